/*
 * transcriptd/version.h - version of the library and of the plugin ABI.
 */
#ifndef TRANSCRIPTD_VERSION_H
#define TRANSCRIPTD_VERSION_H

#include <transcriptd/common.h>

#define TD_VERSION_MAJOR 0
#define TD_VERSION_MINOR 1
#define TD_VERSION_PATCH 0
#define TD_VERSION_STRING "0.1.0"

/*
 * The plugin ABI number.  It changes only when a change breaks plugins that
 * were built against an earlier SDK; additions keep the number.  The loader
 * refuses a plugin whose td_plugin.abi differs from the daemon's.
 */
#define TD_PLUGIN_ABI 1

/*
 * NAME
 *   td_version - the version of the libtranscriptd the process runs with.
 *
 * RETURN VALUE
 *   A static string such as "0.1.0"; compare with TD_VERSION_STRING to see
 *   whether the headers and the library agree.
 */
TD_API const char *td_version(void);

#endif
