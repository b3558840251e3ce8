/* The normalize cleaner: NFC, white space, empty segments. */
#include "harness.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(nfc_space_and_empty) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
