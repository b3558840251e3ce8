/* The normalize cleaner: NFC, white space, empty segments. */
#include "harness.h"
#include "paragraphs.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const td_plugin *td_plugin_entry(void);

static void nfc_space_and_empty(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    /* "e" + combining acute is "é" in NFC. */
    td_doc_add_segment(doc, 0, 1, -1, TD_SEG_SPEECH, "caf" "e\xcc\x81  au\tlait ", TD_NTS);
    td_doc_add_segment(doc, 1, 2, -1, TD_SEG_SPEECH, " \t ", TD_NTS);
    td_doc_add_segment(doc, 2, 3, -1, TD_SEG_SPEECH, "already clean", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 0), "caf\xc3\xa9 au lait");
    assert_string_equal(th_seg_text(doc, 1), "already clean");

    json_t *mine = json_object_get(td__doc_changes(doc), "normalize");
    assert_int_equal(json_integer_value(json_object_get(mine, "nfc")), 1);
    assert_int_equal(json_integer_value(json_object_get(mine, "whitespace")), 2);
    assert_int_equal(json_integer_value(json_object_get(mine, "empty_dropped")), 1);
    td_doc_free(doc);
}

/* Text NFC keeps as it is passes untouched; text it changes does not. */
static void nfc_fast_path(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    const char *kept = "caf\u00e9 \u2019quoted\u2019 \xF0\x9F\x98\x9B \uD55C\uAE00 na\u00efve";
    td_doc_add_segment(doc, 0, 1, -1, TD_SEG_SPEECH, kept, TD_NTS);
    /* U+212B ANGSTROM SIGN is U+00C5 in NFC; U+1100 U+1161 is U+AC00. */
    td_doc_add_segment(doc, 1, 2, -1, TD_SEG_SPEECH, "\u212B and \u1100\u1161", TD_NTS);
    td_doc_add_segment(doc, 2, 3, -1, TD_SEG_SPEECH, "no\u00a0break", TD_NTS);
    /* Two spaces across the eight-byte steps of the ASCII fast path. */
    td_doc_add_segment(doc, 3, 4, -1, TD_SEG_SPEECH, "abcdefg  h", TD_NTS);
    td_doc_add_segment(doc, 4, 5, -1, TD_SEG_SPEECH, "abcdefgh\tijklmnop  q", TD_NTS);
    /* A singleton on its own: its NFC is another code point. */
    td_doc_add_segment(doc, 5, 6, -1, TD_SEG_SPEECH, "10 \u212B", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), kept);
    assert_string_equal(th_seg_text(doc, 1), "\u00C5 and \uAC00");
    assert_string_equal(th_seg_text(doc, 2), "no break");
    assert_string_equal(th_seg_text(doc, 3), "abcdefg h");
    assert_string_equal(th_seg_text(doc, 4), "abcdefgh ijklmnop q");
    assert_string_equal(th_seg_text(doc, 5), "10 \u00C5");
    assert_int_equal(tp_change(doc, "normalize", "nfc"), 2);
    assert_int_equal(tp_change(doc, "normalize", "whitespace"), 3);
    td_doc_free(doc);
}

/* ---- the NFC fast path against utf8proc's NFC of the whole text ---------------- */

/* What normalize made of text in the days it ran utf8proc on all of it. */
static char *reference(const char *text, size_t len, size_t *out_len)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
                                      &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    assert_true(n >= 0);
    *out_len = td_text_squeeze((char *)nfc, (size_t)n);
    return (char *)nfc;
}

/*
 * Runs normalize on texts (one segment each) and checks every segment
 * against reference(); returns the "nfc" count.
 */
static long check_against_utf8proc(const char *const *texts, const size_t *lens, size_t n)
{
    td_error err;
    td_doc *doc = th_doc("a", "x");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(td_doc_add_segment(doc, 0, 1, -1, TD_SEG_SPEECH, texts[i], lens[i]), 0);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), n);
    for (size_t i = 0; i < n; i++) {
        size_t want_len, got_len;
        char *want = reference(texts[i], lens[i], &want_len);
        const char *got = td_segment_text(td_doc_segment(doc, i), &got_len);
        if (got_len != want_len || memcmp(got, want, want_len) != 0)
            fail_msg("segment %zu: \"%s\" gave \"%.*s\", utf8proc \"%s\"", i, texts[i],
                     (int)got_len, got, want);
        free(want);
    }
    long nfc = tp_change(doc, "normalize", "nfc");
    td_doc_free(doc);
    return nfc;
}

/* Strings where cutting the text in the wrong place would show. */
static void nfc_pieces_tricky(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "caf" "e\u0301 x",                 /* a mark after ASCII composes with it */
        "\u0301leading mark",               /* a mark with nothing before it */
        "a\u0323\u0301 and a\u0301\u0323",  /* marks reordered by combining class */
        "\u1E0B\u0323 dot above, dot below", /* precomposed, then a mark that reorders */
        "\u1100\u1161\u11A8 \uAC00\u11A8 \u1100 \u1161",  /* Hangul L V T, LV T */
        "\u212B \u2126 \u1FEF",             /* singletons: Angstrom, Ohm, varia */
        "a\u2000b\u2001c",                  /* singleton spaces, squeezed after */
        "\u0958 \u0915\u093C",              /* excluded from composition */
        "\u0F73 \u0344 \u0F75",             /* non-starter decompositions */
        "\u0B47\u0B3E \u0CC6\u0CC2\u0CD5",  /* starters that compose backward */
        "\u00E9\u0301 \u00C5\u030A",        /* precomposed, then another mark */
        "x  \u0301  y\n\u00A0z",           /* white space around a lone mark */
        "\u3099\u309A \u304B\u3099",        /* kana voicing marks */
        "\U0001D15E \U00011099\U000110BA",  /* astral: a singleton, a composition */
        "\u00E9t\u00E9 na\u00EFve \u2019\u201C\u2026",  /* already NFC: copied */
    };
    size_t n = sizeof(texts) / sizeof(texts[0]), lens[sizeof(texts) / sizeof(texts[0])];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(texts[i]);
    assert_int_equal(check_against_utf8proc(texts, lens, n), 11);
}

/* Appends cp to b as UTF-8. */
static void put_cp(td_buf *b, int32_t cp)
{
    char enc[4];
    td_buf_append(b, enc, (size_t)td_utf8_encode(cp, enc));
}

/*
 * Every code point, where the cut before a code point NFC keeps would
 * show: after a starter and a mark of the highest class (a mark of lower
 * class would move before it), and every canonical decomposition written
 * out (a code point that composes with what is before it would stay apart).
 */
static void nfc_pieces_every_code_point(void **state)
{
    (void)state;
    enum { CHUNK = 200000 };
    td_buf texts[64] = { TD_BUF_INIT };
    const char *ptrs[64] = { NULL };
    size_t lens[64] = { 0 }, n = 0;
    for (int32_t cp = 1; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        if (texts[n].len > CHUNK)
            n++;
        assert_true(n < 64);
        td_buf *b = &texts[n];
        td_buf_append(b, "a\u0345", 3);
        put_cp(b, cp);
        utf8proc_int32_t d[8];
        int boundclass = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &boundclass);
        if (k > 1)
            for (utf8proc_ssize_t i = 0; i < k; i++)
                put_cp(b, d[i]);
        td_buf_putc(b, ' ');
    }
    n++;
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = texts[i].data;
        lens[i] = texts[i].len;
    }
    check_against_utf8proc(ptrs, lens, n);
    for (size_t i = 0; i < n; i++)
        td_buf_free(&texts[i]);
}

/* Random strings of tricky pieces, against utf8proc. */
static void nfc_pieces_random(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "a", "e", "A", " ", "  ", "\n", "\u0301", "\u0323", "\u0345", "\u0308",
        "\u00E9", "\u1E0B", "\u1100", "\u1161", "\u11A8", "\uAC00", "\u212B", "\u2000",
        "\u00A0", "\u0958", "\u093C", "\u0F73", "\u0B47", "\u0B3E", "\u3099", "\u304B",
        "\u2019", "\U0001D15E", "\U00011099", "\U000110BA", "\u0344", "o",
    };
    enum { TEXTS = 400 };
    static char bufs[TEXTS][64];
    const char *texts[TEXTS];
    size_t lens[TEXTS];
    uint32_t seed = 12345;
    for (size_t i = 0; i < TEXTS; i++) {
        size_t len = 0;
        for (int k = 0; k < 12; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof(parts) / sizeof(parts[0]))];
            if (len + strlen(p) >= sizeof(bufs[i]))
                break;
            memcpy(bufs[i] + len, p, strlen(p));
            len += strlen(p);
        }
        /* Never all white space: the segment would be dropped. */
        bufs[i][len++] = 'z';
        texts[i] = bufs[i];
        lens[i] = len;
    }
    check_against_utf8proc(texts, lens, TEXTS);
}

/*
 * Long random texts of mostly plain words, with the white space
 * normalize collapses here and there: the runs of plain text it moves in
 * one piece must give what td_text_squeeze() gives.
 */
static void squeeze_plain_runs_random(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "word", "a", "longerword", " ", " ", " ", "  ", "\n", "\n\n", "\t", " \r\n",
        "\u00A0", "\u2003", "\u3000", "\u00E9", "e\u0301", "x", ".", ",",
    };
    enum { TEXTS = 200, MAX = 400 };
    static char bufs[TEXTS][MAX + 16];
    const char *texts[TEXTS];
    size_t lens[TEXTS];
    uint32_t seed = 777;
    for (size_t i = 0; i < TEXTS; i++) {
        size_t len = 0, parts_n = sizeof(parts) / sizeof(parts[0]);
        while (len < MAX) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % parts_n];
            memcpy(bufs[i] + len, p, strlen(p));
            len += strlen(p);
        }
        bufs[i][len++] = 'z';
        texts[i] = bufs[i];
        lens[i] = len;
    }
    check_against_utf8proc(texts, lens, TEXTS);
}

static td_doc *quotes_doc(void)
{
    size_t len;
    char *text = th_fixture("normalize/quotes.txt", &len);
    td_doc *doc = tp_doc("q.txt", text, len);
    free(text);
    return doc;
}

static void quotes_kept_by_default(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = quotes_doc();
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "He said \"it's fine\" and left.");
    assert_string_equal(th_seg_text(doc, 1), "She wrote \u201Cdon\u2019t\u201D and "
                        "\u2018maybe\u2019 \u2013 then \"no\".");
    assert_int_equal(tp_change(doc, "normalize", "quotes"), -1);
    td_doc_free(doc);
}

static void quotes_straight(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = quotes_doc();
    const char *opts[] = { "quotes", "straight", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "He said \"it's fine\" and left.");
    assert_string_equal(th_seg_text(doc, 1), "She wrote \"don't\" and 'maybe' "
                        "\u2013 then \"no\".");
    assert_int_equal(tp_change(doc, "normalize", "quotes"), 5);
    td_doc_free(doc);
}

static void quotes_typographic(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = quotes_doc();
    const char *opts[] = { "quotes", "typographic", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "He said \u201Cit\u2019s fine\u201D and left.");
    assert_string_equal(th_seg_text(doc, 1), "She wrote \u201Cdon\u2019t\u201D and "
                        "\u2018maybe\u2019 \u2013 then \u201Cno\u201D.");
    assert_int_equal(tp_change(doc, "normalize", "quotes"), 5);
    td_doc_free(doc);
}

static void quotes_bad_value(void **state)
{
    (void)state;
    td_error err = { "" };
    td_options *o = td__options_new(td_plugin_entry()->options, ".", ".");
    void *st = NULL;
    assert_int_equal(td__options_set(o, "quotes", "curly", NULL, 0), 0);
    assert_int_equal(td_plugin_entry()->init(&st, o, &err), -1);
    assert_non_null(strstr(err.message, "typographic"));
    td__options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nfc_space_and_empty),
        cmocka_unit_test(nfc_fast_path),
        cmocka_unit_test(nfc_pieces_tricky),
        cmocka_unit_test(nfc_pieces_every_code_point),
        cmocka_unit_test(nfc_pieces_random),
        cmocka_unit_test(squeeze_plain_runs_random),
        cmocka_unit_test(quotes_kept_by_default),
        cmocka_unit_test(quotes_straight),
        cmocka_unit_test(quotes_typographic),
        cmocka_unit_test(quotes_bad_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
