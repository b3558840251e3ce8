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

/*
 * Whether NFC may cut the text just before cp and treat it on its own,
 * by utf8proc's own data: cp has combining class 0, is no mark and no
 * conjoining jamo (the second halves of every canonical composition, so
 * nothing before it can compose with it), is not excluded from
 * composition and is no singleton (so its NFC is itself).  Canonical
 * decompositions of such code points start with a code point of the same
 * kind.  NFC of a text is then the NFC of its pieces cut before each such
 * code point, joined: a piece that is one of them alone stays as it is.
 * tests/unit/test_normalize.c checks the rule against every code point.
 */
static bool nfc_stable(int32_t cp)
{
    if (cp < 0x300)
        return true;            /* ASCII, Latin-1 and Latin Extended */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0 || p->comp_exclusion ||
        p->category == UTF8PROC_CATEGORY_MN || p->category == UTF8PROC_CATEGORY_MC ||
        p->category == UTF8PROC_CATEGORY_ME || (cp >= 0x1100 && cp <= 0x11FF))
        return false;
    if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0)
        return true;            /* no canonical decomposition */
    /* Composed again it must be itself: not so for singletons (U+212B). */
    utf8proc_int32_t d[8];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &boundclass);
    if (n < 1 || n > 8)
        return false;
    return utf8proc_normalize_utf32(d, n, UTF8PROC_COMPOSE) == 1 && d[0] == cp;
}

/* The white space td_text_squeeze() collapses, beyond ASCII. */
static bool unicode_space(int32_t cp)
{
    return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* The n < 8 bytes at s, then plain letters. */
static uint64_t load_tail(const char *s, size_t n)
{
    char b[8] = { 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x' };
    for (size_t i = 0; i < n; i++)
        b[i] = s[i];
    uint64_t x;
    memcpy(&x, b, 8);
    return x;
}

/*
 * How many leading bytes of s are plain ASCII (no control, no byte of a
 * longer character, no two spaces in a row), eight at a time (the last
 * few padded with letters): most text is, and this is the hot path of
 * every document.
 */
static size_t plain_ascii_prefix(const char *s, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    bool space_before = false;
    for (; i < len; i += 8) {
        uint64_t x;
        if (len - i >= 8)
            memcpy(&x, s + i, 8);
        else
            x = load_tail(s + i, len - i);
        /* A byte >= 0x80, or one below 0x20 (its subtraction borrows). */
        if ((x | (x - ones * 0x20)) & highs)
            break;
        uint64_t y = x ^ (ones * ' ');          /* spaces become 0 */
        uint64_t zero = ~(((y & ~highs) + ~highs) | y | ~highs);
        /* Two spaces: in the word, or one ending the word before. */
        if ((zero & (zero >> 8)) || (space_before && (zero & 0x80)))
            break;
        space_before = (zero >> 56) != 0;
    }
    return i < len ? i : len;
}

/* The length of the white space td_text_squeeze() collapses at s, or 0. */
static size_t space_len(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r') ? 1 : 0;
    int32_t cp;
    int n = td_utf8_decode(s, len, &cp);
    return n > 0 && unicode_space(cp) ? (size_t)n : 0;
}

/*
 * td_text_squeeze(), with runs of plain ASCII (see plain_ascii_prefix())
 * moved in one piece: what it writes is the same.  A run is moved only
 * where the text written so far ends with a character that is no space
 * and no space is pending, and it stops after one: so it never starts or
 * ends the text with a space, nor meets another space at either end.
 */
static size_t squeeze(char *s, size_t len)
{
    size_t r = 0, w = 0;
    bool pending = false;
    while (r < len) {
        if (!pending && (w > 0 || s[r] != ' ')) {
            size_t plain = plain_ascii_prefix(s + r, len - r);
            while (plain > 0 && s[r + plain - 1] == ' ')
                plain--;
            memmove(s + w, s + r, plain);
            w += plain;
            r += plain;
            if (r == len)
                break;
        }
        size_t n = space_len(s + r, len - r);
        if (n > 0) {
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

/*
 * Whether text needs neither NFC nor white space work: the common case,
 * checked in one pass so that clean segments cost no copy.
 */
static bool already_clean(const char *s, size_t len)
{
    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ')
        return false;
    size_t plain = plain_ascii_prefix(s, len);
    if (plain == len)
        return true;
    /* From the prefix's last byte on: two spaces may straddle its end. */
    for (size_t i = plain > 0 ? plain - 1 : 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((c == ' ' && s[i + 1] == ' ') || (c < 0x20 && c != 0))
                return false;
            i++;
            continue;
        }
        int32_t cp;
        int n = td_utf8_decode(s + i, len - i, &cp);
        if (n < 0 || unicode_space(cp) || !nfc_stable(cp))
            return false;
        i += (size_t)n;
    }
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

/* How many leading bytes of s are ASCII, eight at a time. */
static size_t ascii_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & 0x8080808080808080u)
            break;
    }
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    return i;
}

/*
 * Appends the NFC of text to out, piece by piece (see nfc_stable()): runs
 * of code points NFC keeps are copied, and utf8proc composes only the
 * pieces that hold one it may change.  *changed is set when a piece
 * changed.  Returns 1 when the text is not valid UTF-8 (out is then
 * incomplete), -1 when out of memory, else 0.
 */
static int nfc_pieces(const char *text, size_t len, td_buf *out, bool *changed)
{
    size_t copied = 0, piece = 0;   /* piece: where the last stable code point starts */
    int rc = 0;

    for (size_t i = 0; i < len && rc == 0;) {
        size_t plain = ascii_prefix(text + i, len - i);
        if (plain > 0) {
            i += plain;
            piece = i - 1;
            continue;
        }
        int32_t cp;
        int n = td_utf8_decode(text + i, len - i, &cp);
        if (n < 0)
            return 1;
        if (nfc_stable(cp)) {
            piece = i;
            i += (size_t)n;
            continue;
        }
        /* From the last stable code point on up to the next one. */
        size_t end = i + (size_t)n;
        while (end < len) {
            n = td_utf8_decode(text + end, len - end, &cp);
            if (n < 0)
                return 1;
            if (nfc_stable(cp))
                break;
            end += (size_t)n;
        }
        utf8proc_uint8_t *composed = NULL;
        utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)text + piece,
                                          (utf8proc_ssize_t)(end - piece), &composed,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (m < 0)
            return m == UTF8PROC_ERROR_NOMEM ? -1 : 1;
        if ((size_t)m != end - piece || memcmp(composed, text + piece, end - piece) != 0)
            *changed = true;
        rc = td_buf_append(out, text + copied, piece - copied);
        rc |= td_buf_append(out, composed, (size_t)m);
        free(composed);
        copied = piece = i = end;
    }
    if (rc == 0)
        rc = td_buf_append(out, text + copied, len - copied);
    return rc ? -1 : 0;
}

/* NFC of text into buf, as utf8proc_map() gives it.  0, or -1 with err set. */
static int nfc(const char *text, size_t len, td_buf *buf, counts *c, td_error *err)
{
    bool changed = false;
    td_buf_reset(buf);
    int rc = nfc_pieces(text, len, buf, &changed);
    if (rc < 0)
        return td_error_set(err, "out of memory");
    if (rc > 0) {
        /* Not UTF-8: utf8proc says what is wrong. */
        utf8proc_uint8_t *composed = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text,
                                          (utf8proc_ssize_t)len, &composed,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0)
            return td_error_set(err, "%s", utf8proc_errmsg(n));
        changed = (size_t)n != len || memcmp(composed, text, len) != 0;
        td_buf_reset(buf);
        rc = td_buf_append(buf, composed, (size_t)n);
        free(composed);
        if (rc != 0)
            return td_error_set(err, "out of memory");
    }
    c->nfc += changed;
    return 0;
}

/*
 * Cleans one segment's text into buf; *same is set when the text needs no
 * change at all (buf is then unused).  0, or -1 with err set.
 */
static int clean_text(quote_style style, const char *text, size_t len,
                      td_buf *buf, td_buf *tmp, counts *c, bool *same, td_error *err)
{
    bool clean = already_clean(text, len);

    *same = clean && style == QUOTES_KEEP;
    if (*same)
        return 0;
    if (clean) {
        td_buf_reset(buf);
        if (td_buf_append(buf, text, len) != 0)
            return td_error_set(err, "out of memory");
    } else if (nfc(text, len, buf, c, err) != 0) {
        return -1;
    }
    size_t squeezed = clean ? len : squeeze(buf->data, buf->len);
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
        bool same;
        const char *text = td_segment_text(seg, &len);
        if (clean_text(style, text, len, &buf, &tmp, &c, &same, err) != 0) {
            rc = -1;
            break;
        }
        if (same)
            continue;
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
