/*
 * paths.h - where things are: the executable, its plugins, data files, and
 * small path helpers.
 */
#ifndef TD_PATHS_H
#define TD_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* The folder of the running executable ("/usr/bin", ".../build"). */
const char *paths_exe_dir(void);
/*
 * The plugin path used when the config names none: the plugins folder next
 * to the executable (a build tree) and the installed plugin folder.
 */
char *paths_default_plugin_path(void);
/* Where shipped data files (conf/) are: the source tree or share/transcriptd. */
const char *paths_data_dir(void);

/* dir + "/" + name, malloc'd. */
char *path_join(const char *dir, const char *name);
/* An absolute version of path (relative to the working directory), malloc'd. */
char *path_absolute(const char *path);
/* The folder part of path, malloc'd ("." for a bare name). */
char *path_dirname(const char *path);
/* The name without its last extension ("a.b.txt" -> "a.b"), malloc'd. */
char *path_stem(const char *name);
/* mkdir -p with the given mode; 0 or -errno. */
int path_mkdirs(const char *path, unsigned mode);

#endif
