/*
 * decode.c - bytes to the text every parser reads.
 *
 * Parsers see one thing only: UTF-8 with LF line ends and no NUL bytes.
 * Doing that here once means no parser handles BOMs, UTF-16, CRLF or broken
 * bytes on its own, and none can be tricked by an embedded NUL.
 */
#include <transcriptd/text.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

static const char REPLACEMENT[3] = { (char)0xEF, (char)0xBF, (char)0xBD };

typedef struct decoder {
    td_buf *out;
    td_decode_info *info;
    bool after_cr;          /* the last code point was CR: drop a following LF */
    size_t chars;
} decoder;

/* Emits one code point, folding CR and CRLF to LF and NUL to U+FFFD. */
static int emit(decoder *d, int32_t cp)
{
    char tmp[4];
    bool after_cr = d->after_cr;

    d->after_cr = false;
    d->chars++;
    if (cp == '\n' && after_cr)
        return 0;
    if (cp == '\r') {
        d->after_cr = true;
        cp = '\n';
    } else if (cp == 0) {
        d->info->nuls++;
        return td_buf_append(d->out, REPLACEMENT, 3);
    } else if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') {
        d->info->controls++;
    }
    return td_buf_append(d->out, tmp, (size_t)td_utf8_encode(cp, tmp));
}

/* A byte that needs no care: printable ASCII, tab or LF. */
static inline bool plain(unsigned char c)
{
    return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t';
}

/* Whether the 8 bytes at s are all printable ASCII (0x20 to 0x7E). */
static inline bool printable8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t x;
    memcpy(&x, s, 8);
    /* A high bit after adding 1 (0x7F becomes 0x80) or after taking 0x20. */
    return (((x + ones) | x | (x - ones * 0x20)) & high) == 0;
}

static int decode_utf8(decoder *d, const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t run = i;
        /* Most text is printable ASCII: eight bytes at a time, then one. */
        for (;;) {
            while (run + 8 <= len && printable8(s + run))
                run += 8;
            if (run >= len || !plain(s[run]))
                break;
            run++;
        }
        if (run > i) {
            /* A run after CR starts with the LF of a CRLF pair. */
            size_t skip = d->after_cr && s[i] == '\n';
            d->after_cr = false;
            d->chars += run - i - skip;
            if (td_buf_append(d->out, s + i + skip, run - i - skip) != 0)
                return -ENOMEM;
            i = run;
            continue;
        }
        int32_t cp;
        int n = td_utf8_decode((const char *)s + i, len - i, &cp);
        if (n < 0) {
            d->info->replaced++;
            n = 1;
        }
        if (emit(d, cp) != 0)
            return -ENOMEM;
        i += (size_t)n;
    }
    return 0;
}

static int decode_utf16(decoder *d, const unsigned char *s, size_t len, bool be)
{
    size_t i = 0;

    while (i + 1 < len) {
        int32_t u = be ? (s[i] << 8 | s[i + 1]) : (s[i + 1] << 8 | s[i]);
        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
            int32_t lo = be ? (s[i] << 8 | s[i + 1]) : (s[i + 1] << 8 | s[i]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            d->info->replaced++;
            u = 0xFFFD;
        }
        if (emit(d, u) != 0)
            return -ENOMEM;
    }
    if (i < len) {                   /* an odd byte at the end */
        d->info->replaced++;
        return emit(d, 0xFFFD);
    }
    return 0;
}

/*
 * UTF-16 without a byte order mark: ASCII-heavy text then has a NUL in
 * every other byte.  Looks at the first 1 KiB only.
 */
static const char *sniff_utf16(const unsigned char *s, size_t len)
{
    size_t n = len < 1024 ? len & ~(size_t)1 : 1024;
    size_t even = 0, odd = 0;

    if (n < 4)
        return NULL;
    for (size_t i = 0; i < n; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    if (odd * 10 >= n / 2 * 7 && even == 0)
        return "utf-16le";
    if (even * 10 >= n / 2 * 7 && odd == 0)
        return "utf-16be";
    return NULL;
}

int td_decode(const void *bytes, size_t len, td_buf *out, td_decode_info *info)
{
    const unsigned char *s = bytes;
    decoder d = { out, info, false, 0 };
    int rc;

    memset(info, 0, sizeof(*info));
    info->encoding = "utf-8";
    if (td_buf_reserve(out, len + len / 8) != 0)
        return -ENOMEM;

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        info->bom = true;
        s += 3;
        len -= 3;
    } else if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        info->bom = true;
        info->encoding = "utf-16le";
    } else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        info->bom = true;
        info->encoding = "utf-16be";
    } else {
        const char *enc = sniff_utf16(s, len);
        if (enc != NULL)
            info->encoding = enc;
    }

    if (info->encoding[4] == '1') {             /* "utf-16.." */
        size_t skip = info->bom ? 2 : 0;
        rc = decode_utf16(&d, s + skip, len - skip, info->encoding[6] == 'b');
    } else {
        rc = decode_utf8(&d, s, len);
    }
    if (rc != 0)
        return rc;
    /* Terminated even when nothing was decoded (an empty file, a lone BOM):
     * the reserve above allocated without writing a terminator. */
    if (td_buf_append(out, "", 0) != 0)
        return -ENOMEM;

    /* More than one character in ten broken or control: not text. */
    size_t suspect = info->replaced + info->nuls + info->controls;
    info->binary = d.chars > 0 && suspect * 10 > d.chars;
    return 0;
}
