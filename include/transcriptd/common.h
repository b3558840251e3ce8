/*
 * transcriptd/common.h - types and macros shared by every SDK header.
 */
#ifndef TRANSCRIPTD_COMMON_H
#define TRANSCRIPTD_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
#define TD_BEGIN_DECLS extern "C" {
#define TD_END_DECLS }
#else
#define TD_BEGIN_DECLS
#define TD_END_DECLS
#endif

/* Marks the symbols libtranscriptd and plugins export; everything else is hidden. */
#define TD_API __attribute__((visibility("default")))

#if defined(__GNUC__)
#define TD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TD_PRINTF(fmt, args)
#endif

/* Times are milliseconds from the start of the recording. */
typedef int64_t td_ms;

/* A time the source does not give (a chat log, plain text). */
#define TD_TIME_UNKNOWN ((td_ms)-1)

/* Pass as a length to say "the string is NUL-terminated". */
#define TD_NTS ((size_t)-1)

/*
 * An error a plugin reports back to the core.  Plugins never print: they
 * fill this with td_error_set() and return -1, and the core names the
 * file, the plugin and the stage around the message.
 */
typedef struct td_error {
    char message[512];
} td_error;

TD_BEGIN_DECLS

/*
 * NAME
 *   td_error_set - describe why a plugin call failed.
 *
 * RETURN VALUE
 *   Always -1, so that a plugin can write `return td_error_set(err, ...)`.
 *   A NULL err is allowed and ignored.
 */
TD_API int td_error_set(td_error *err, const char *fmt, ...) TD_PRINTF(2, 3);

TD_END_DECLS

#endif
