/*
 * lines.h - walking the decoded text line by line, for parsers.
 *
 * The core hands parsers UTF-8 with LF line ends and no NUL bytes, so a
 * line is the bytes up to the next LF.  Everything here works on lengths
 * and never allocates.
 */
#ifndef TD_PARSERS_LINES_H
#define TD_PARSERS_LINES_H

#include <transcriptd/transcriptd.h>

#include <string.h>

typedef struct line_iter {
    const char *p, *end;
    size_t lineno;          /* 1-based number of the line last returned */
} line_iter;

static inline void lines_init(line_iter *it, const char *text, size_t len)
{
    it->p = text;
    it->end = text + len;
    it->lineno = 0;
}

/* The next line (without its LF); false at the end of the text. */
static inline bool lines_next(line_iter *it, const char **line, size_t *len)
{
    if (it->p >= it->end)
        return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    *line = it->p;
    *len = (size_t)((nl ? nl : it->end) - it->p);
    it->p = nl ? nl + 1 : it->end;
    it->lineno++;
    return true;
}

static inline bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Drops ASCII blanks at both ends of *s. */
static inline void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_blank_char(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_blank_char((*s)[*len - 1]))
        (*len)--;
}

static inline bool is_blank_line(const char *s, size_t len)
{
    trim(&s, &len);
    return len == 0;
}

/* Whether s (len bytes) starts with the NUL-terminated prefix. */
static inline bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/*
 * Whether the line holds the cue arrow "-->".  memchr() for the dash is
 * much cheaper than memmem() on the short lines this is asked about.
 */
static inline bool has_arrow(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (end - p >= 3 && (p = memchr(p, '-', (size_t)(end - p - 2))) != NULL) {
        if (p[1] == '-' && p[2] == '>')
            return true;
        p++;
    }
    return false;
}

/*
 * How many bytes of s to quote in an error message: at most max, cut at a
 * UTF-8 character boundary so that the message stays valid UTF-8.
 */
static inline int excerpt_len(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return (int)len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

#endif
