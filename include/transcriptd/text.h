/*
 * transcriptd/text.h - text helpers for plugins: a growable buffer, byte
 * decoding, timestamps and whitespace.  All of them work on lengths, never
 * on NUL terminators alone, and none allocates per word.
 */
#ifndef TRANSCRIPTD_TEXT_H
#define TRANSCRIPTD_TEXT_H

#include <transcriptd/common.h>

TD_BEGIN_DECLS

/* ---- td_buf: a growable byte buffer ---------------------------------------- */

typedef struct td_buf {
    char *data;      /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} td_buf;

#define TD_BUF_INIT { NULL, 0, 0 }

/* All return 0 or -ENOMEM. */
TD_API int td_buf_reserve(td_buf *b, size_t extra);
TD_API int td_buf_append(td_buf *b, const void *data, size_t len);
TD_API int td_buf_putc(td_buf *b, char c);
TD_API int td_buf_printf(td_buf *b, const char *fmt, ...) TD_PRINTF(2, 3);
/* Empties the buffer and keeps its memory for reuse. */
TD_API void td_buf_reset(td_buf *b);
TD_API void td_buf_free(td_buf *b);

/* ---- decoding raw bytes ------------------------------------------------------ */

typedef struct td_decode_info {
    const char *encoding;   /* "utf-8", "utf-16le", "utf-16be" */
    bool bom;               /* a byte order mark was removed */
    size_t replaced;        /* invalid sequences replaced with U+FFFD */
    size_t nuls;            /* NUL bytes replaced with U+FFFD */
    size_t controls;        /* other C0 control bytes (kept) */
    bool binary;            /* does not look like text at all */
} td_decode_info;

/*
 * NAME
 *   td_decode - turn a file's bytes into the text parsers read.
 *
 * DESCRIPTION
 *   Detects a UTF-8 or UTF-16 byte order mark (and UTF-16 without one when
 *   every other byte is NUL), converts to UTF-8, replaces invalid
 *   sequences and NUL bytes with U+FFFD, and turns CRLF and lone CR line
 *   ends into LF.  The result is appended to out.  info->binary is set when
 *   the bytes look like binary data rather than text.
 *
 * RETURN VALUE
 *   0, or -ENOMEM.
 */
TD_API int td_decode(const void *bytes, size_t len, td_buf *out,
                     td_decode_info *info);

/* ---- UTF-8 ------------------------------------------------------------------- */

/*
 * Decodes the code point at s (at most len bytes) into *cp.  Returns the
 * number of bytes it used (1..4), or -1 for an invalid sequence (with *cp
 * set to U+FFFD; skip one byte).
 */
TD_API int td_utf8_decode(const char *s, size_t len, int32_t *cp);
/* Writes cp as UTF-8 into out (4 bytes at most); returns the length. */
TD_API int td_utf8_encode(int32_t cp, char out[4]);

/* ---- timestamps -------------------------------------------------------------- */

/*
 * NAME
 *   td_time_parse - read a timestamp at the start of s.
 *
 * DESCRIPTION
 *   Accepts ss, m:ss, mm:ss, h:mm:ss and hh:mm:ss, each optionally followed
 *   by a fraction after '.' or ',' (SubRip uses a comma).  Minutes and
 *   seconds after a colon must be two digits below 60.
 *
 * RETURN VALUE
 *   The number of bytes read, or 0 when s does not start with a timestamp.
 */
TD_API size_t td_time_parse(const char *s, size_t len, td_ms *out);

/*
 * Formats ms as "h:mm:ss" (or "m:ss" below an hour when short is true)
 * into buf, which must hold 24 bytes.  TD_TIME_UNKNOWN gives "".
 */
TD_API char *td_time_format(td_ms ms, bool shortform, char buf[24]);

/* ---- whitespace and words ----------------------------------------------------- */

/*
 * Collapses every run of white space (ASCII and Unicode spaces) in s to one
 * ASCII space and trims both ends, in place.  Returns the new length; s is
 * NUL-terminated after it when the capacity allows (it always does, since
 * the text only shrinks and the caller's terminator stays in reach).
 */
TD_API size_t td_text_squeeze(char *s, size_t len);

/* Counts words: maximal runs of characters that are not white space. */
TD_API size_t td_text_word_count(const char *s, size_t len);

TD_END_DECLS

#endif
