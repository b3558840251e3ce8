# What `cmake --install` puts in place besides the targets (which install
# themselves): SDK headers, pkg-config file, default config, data files,
# systemd units, tmpfiles.d and sysusers.d entries, man pages.

# systemd's own directories on a /usr install (Debian 12: /lib/systemd/system);
# under any other prefix, below it.
pkg_get_variable(TD_SYSTEMD_UNIT_DIR_USR systemd systemdsystemunitdir)
if(NOT TD_SYSTEMD_UNIT_DIR_USR)
  set(TD_SYSTEMD_UNIT_DIR_USR /lib/systemd/system)
endif()
set(TD_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
    "systemd unit folder (relative: below the prefix; on /usr, systemd's own)")
set(TD_SYSUSERS_DIR lib/sysusers.d CACHE STRING "sysusers.d folder")
set(TD_TMPFILES_DIR lib/tmpfiles.d CACHE STRING "tmpfiles.d folder")

install(TARGETS transcriptd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS transcriptd_lib LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/transcriptd
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

# Data files plugins read (conf/<file> options); the folder is made even
# when empty: its presence tells an installed daemon where its data is.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conf/ DESTINATION ${TD_DATA_INSTALL_DIR}/conf
        PATTERN transcriptd.conf EXCLUDE)

install(FILES ${PROJECT_SOURCE_DIR}/man/transcriptd.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/man/transcriptd.conf.5
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PROJECT_SOURCE_DIR}/man/transcriptd-plugin.7
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)

configure_file(${PROJECT_SOURCE_DIR}/cmake/install-config.cmake.in
               ${PROJECT_BINARY_DIR}/install-config.cmake @ONLY)
install(SCRIPT ${PROJECT_BINARY_DIR}/install-config.cmake)
