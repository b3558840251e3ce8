/*
 * normalize.c - Unicode NFC, one space between words, no empty segments.
 *
 * The first cleaner in most chains: the ones after it can then compare
 * text byte for byte and split on single spaces.  Optionally one style of
 * quotes: web pages mix "straight" and “typographic” ones in one text.
 */
#include <transcriptd/transcriptd.h>

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef enum quote_style { QUOTES_KEEP, QUOTES_STRAIGHT, QUOTES_TYPOGRAPHIC } quote_style;

static const td_option options[] = {
    { "quotes", TD_OPT_STRING, "keep",
      "keep, straight (' \") or typographic (‘ ’ “ ”): one style of quotes" },
    { NULL, 0, NULL, NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    static const quote_style styles[] = { QUOTES_KEEP, QUOTES_STRAIGHT,
                                          QUOTES_TYPOGRAPHIC };
    static const char *const names[] = { "keep", "straight", "typographic" };
    const char *v = td_opt_string(opts, "quotes");
    for (size_t i = 0; i < 3; i++)
        if (strcmp(v, names[i]) == 0) {
            /* The style itself is the state: no allocation to free. */
            *state = (void *)&styles[i];
            return 0;
        }
    return td_error_set(err, "quotes = %s: expected keep, straight or typographic", v);
}

static bool is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* The straight quote a typographic one stands for, or 0. */
static char straight_of(int32_t cp)
{
    if (cp >= 0x2018 && cp <= 0x201B)
        return '\'';
    if (cp >= 0x201C && cp <= 0x201F)
        return '"';
    return 0;
}

/* Whether a quote after byte c opens a quotation (else it closes one). */
static bool opens_after(const char *s, size_t i)
{
    if (i == 0)
        return true;
    unsigned char c = (unsigned char)s[i - 1];
    /* A space, an opening bracket, or the end of a dash or opening quote. */
    return c == ' ' || c == '(' || c == '[' || c == '{' || c == '/' ||
           (i >= 3 && (unsigned char)s[i - 3] == 0xE2 && (unsigned char)s[i - 2] == 0x80 &&
            (c == 0x93 || c == 0x94 || c == 0x98 || c == 0x9C));
}

/*
 * Rewrites the quotes of buf in one style, through the scratch buffer tmp.
 * Returns how many changed, or -1 when out of memory.
 */
static long restyle_quotes(quote_style style, td_buf *buf, td_buf *tmp)
{
    const char *s = buf->data;
    long changed = 0;
    int rc = 0;

    td_buf_reset(tmp);
    for (size_t i = 0; i < buf->len;) {
        int32_t cp;
        int n = td_utf8_decode(s + i, buf->len - i, &cp);
        if (n < 0)
            n = 1;
        char q = style == QUOTES_STRAIGHT ? straight_of(cp) : 0;
        if (q) {
            rc |= td_buf_putc(tmp, q);
            changed++;
        } else if (style == QUOTES_TYPOGRAPHIC && (cp == '\'' || cp == '"')) {
            bool open = opens_after(s, i);
            const char *t = cp == '"' ? (open ? "\u201C" : "\u201D")
                                      : (open ? "\u2018" : "\u2019");
            rc |= td_buf_append(tmp, t, 3);
            changed++;
        } else {
            rc |= td_buf_append(tmp, s + i, (size_t)n);
        }
        i += (size_t)n;
    }
    if (changed > 0) {
        td_buf_reset(buf);
        rc |= td_buf_append(buf, tmp->data, tmp->len);
    }
    return rc ? -1 : changed;
}

typedef struct counts {
    long nfc, spaces, empty, quotes;
} counts;

/* Cleans one segment's text into buf; 0, or -1 with err set. */
static int clean_text(quote_style style, const char *text, size_t len,
                      td_buf *buf, td_buf *tmp, counts *c, td_error *err)
{
    utf8proc_uint8_t *composed = NULL;

    /* ASCII is already NFC: skip utf8proc (and its allocation). */
    if (!is_ascii(text, len)) {
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text,
                                          (utf8proc_ssize_t)len, &composed,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0)
            return td_error_set(err, "%s", utf8proc_errmsg(n));
        if ((size_t)n != len || memcmp(composed, text, len) != 0)
            c->nfc++;
        text = (const char *)composed;
        len = (size_t)n;
    }
    td_buf_reset(buf);
    int rc = td_buf_append(buf, text, len);
    free(composed);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    size_t squeezed = td_text_squeeze(buf->data, buf->len);
    c->spaces += squeezed != buf->len;
    buf->len = squeezed;
    if (style != QUOTES_KEEP && squeezed > 0) {
        long n = restyle_quotes(style, buf, tmp);
        if (n < 0)
            return td_error_set(err, "out of memory");
        c->quotes += n;
    }
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    quote_style style = *(const quote_style *)state;
    td_buf buf = TD_BUF_INIT, tmp = TD_BUF_INIT;
    counts c = { 0 };
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < td_doc_segment_count(doc); i++) {
        td_segment *seg = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(seg, &len);
        if (clean_text(style, text, len, &buf, &tmp, &c, err) != 0) {
            rc = -1;
            break;
        }
        if (buf.len == 0 && td_segment_kind(seg) == TD_SEG_SPEECH) {
            td_segment_drop(seg);
            c.empty++;
        } else if (buf.len != len || memcmp(buf.data, text, len) != 0) {
            if (td_segment_set_text(doc, seg, buf.data, buf.len) != 0)
                rc = td_error_set(err, "out of memory");
        }
    }
    td_buf_free(&buf);
    td_buf_free(&tmp);
    if (rc != 0)
        return rc;
    td_doc_count_change(doc, "nfc", c.nfc);
    td_doc_count_change(doc, "whitespace", c.spaces);
    td_doc_count_change(doc, "empty_dropped", c.empty);
    if (style != QUOTES_KEEP)
        td_doc_count_change(doc, "quotes", c.quotes);
    return 0;
}

static const td_plugin normalize = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "normalize",
    .version = "1.0",
    .summary = "Unicode NFC, collapsed white space, empty segments dropped, one quote style",
    .options = options,
    .init = init,
    .run = run,
};

TD_PLUGIN_DEFINE(normalize)
