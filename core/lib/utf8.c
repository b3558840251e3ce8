/*
 * utf8.c - UTF-8 code points, white space and word counts.
 */
#include <transcriptd/text.h>

#include <string.h>

int td_utf8_decode(const char *str, size_t len, int32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    int32_t c;
    int n;

    *cp = 0xFFFD;
    if (len == 0)
        return -1;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xC2)
        return -1;               /* continuation byte or overlong lead */
    if (s[0] < 0xE0) {
        n = 2;
        c = s[0] & 0x1F;
    } else if (s[0] < 0xF0) {
        n = 3;
        c = s[0] & 0x0F;
    } else if (s[0] < 0xF5) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return -1;
    }
    if (len < (size_t)n)
        return -1;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *cp = c;
    return n;
}

int td_utf8_encode(int32_t cp, char out[4])
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * The length of the white-space character at s, or 0.  Besides ASCII this
 * knows the Unicode spaces that web pages and caption tools leave behind
 * (no-break, thin, ideographic, line and paragraph separators).
 */
static size_t space_len(const unsigned char *s, size_t len)
{
    switch (s[0]) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
        return 1;
    case 0xC2:
        return len >= 2 && s[1] == 0xA0 ? 2 : 0;
    case 0xE1:
        return len >= 3 && s[1] == 0x9A && s[2] == 0x80 ? 3 : 0;
    case 0xE2:
        if (len < 3)
            return 0;
        if (s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 ||
                             s[2] == 0xAF))
            return 3;
        return s[1] == 0x81 && s[2] == 0x9F ? 3 : 0;
    case 0xE3:
        return len >= 3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
    default:
        return 0;
    }
}

size_t td_text_squeeze(char *str, size_t len)
{
    unsigned char *s = (unsigned char *)str;
    size_t r = 0, w = 0;
    bool pending = false;

    while (r < len) {
        size_t n = space_len(s + r, len - r);
        if (n) {
            pending = w > 0;
            r += n;
            continue;
        }
        if (pending) {
            s[w++] = ' ';
            pending = false;
        }
        s[w++] = s[r++];
    }
    if (w < len)
        s[w] = '\0';
    return w;
}

/* ASCII white space, for the word counter's fast path. */
static const unsigned char ASCII_SPACE[128] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

size_t td_text_word_count(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t words = 0, i = 0;
    unsigned after_space = 1;

    /*
     * Without branches on ASCII: whether a byte is a space is as good as
     * random to a branch predictor, and this runs over every document.
     */
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            unsigned space = ASCII_SPACE[c];
            words += after_space & (space ^ 1);
            after_space = space;
            i++;
            continue;
        }
        size_t n = space_len(s + i, len - i);
        words += after_space & (n == 0);
        after_space = n != 0;
        i += n ? n : 1;
    }
    return words;
}
