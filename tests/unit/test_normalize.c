/* The normalize cleaner: NFC, white space, empty segments. */
#include "harness.h"
#include "paragraphs.h"

#include "internal.h"

#include <string.h>

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
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), kept);
    assert_string_equal(th_seg_text(doc, 1), "\u00C5 and \uAC00");
    assert_string_equal(th_seg_text(doc, 2), "no break");
    assert_string_equal(th_seg_text(doc, 3), "abcdefg h");
    assert_string_equal(th_seg_text(doc, 4), "abcdefgh ijklmnop q");
    assert_int_equal(tp_change(doc, "normalize", "nfc"), 1);
    assert_int_equal(tp_change(doc, "normalize", "whitespace"), 3);
    td_doc_free(doc);
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
        cmocka_unit_test(quotes_kept_by_default),
        cmocka_unit_test(quotes_straight),
        cmocka_unit_test(quotes_typographic),
        cmocka_unit_test(quotes_bad_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
