/* The stats summarizer: duration, words, rate. */
#include "harness.h"

const td_plugin *td_plugin_entry(void);

static void figures(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 30000, -1, TD_SEG_SPEECH, "one two three", TD_NTS);
    td_doc_add_segment(doc, 30000, TD_TIME_UNKNOWN, -1, TD_SEG_EVENT, "[laughs]", TD_NTS);
    td_doc_add_segment(doc, 60000, 120000, -1, TD_SEG_SPEECH, "four five", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_float_equal(json_real_value(json_object_get(st, "duration")), 120.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(st, "words")), 5);
    assert_int_equal(json_integer_value(json_object_get(st, "segments")), 2);
    assert_float_equal(json_real_value(json_object_get(st, "words_per_minute")), 2.5, 1e-9);
    td_doc_free(doc);
}

static void no_times(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, -1, -1, -1, TD_SEG_SPEECH, "chat line", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_true(json_is_null(json_object_get(st, "duration")));
    assert_true(json_is_null(json_object_get(st, "words_per_minute")));
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(figures), cmocka_unit_test(no_times) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
