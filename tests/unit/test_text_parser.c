/* The text parser: the fallback that reads any text as paragraphs. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    assert_int_equal(th_probe(p, "a.txt", "anything at all"), 5);
    assert_int_equal(th_probe(p, "a.txt", "  \n\t\n"), 0);
}

static void title_and_paragraphs(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("text/notes.txt", NULL);
    td_doc *doc = th_doc("notes.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_format(doc), "text");
    assert_string_equal(td_doc_title(doc), "Allotment Committee, March");
    assert_int_equal(td_doc_speaker_count(doc), 0);
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_string_equal(th_seg_text(doc, 0), "Present were Dana, Viktor and Lou. The water "
                        "trough by plot 12 leaks again and needs a new float valve.");
    assert_string_equal(th_seg_text(doc, 2), "Next meeting: first Sunday in April.");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(td_segment_start(td_doc_segment(doc, i)), TD_TIME_UNKNOWN);
        assert_int_equal(td_segment_end(td_doc_segment(doc, i)), TD_TIME_UNKNOWN);
    }
    assert_int_equal(json_integer_value(json_object_get(td_doc_meta(doc), "paragraphs")), 3);
    td_doc_free(doc);
    free(text);
}

static void one_line_is_text_not_title(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("text/one_line.txt", NULL);
    td_doc *doc = th_doc("one.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_segment_count(doc), 1);
    assert_string_equal(th_seg_text(doc, 0), "Just one line of prose with no title.");
    td_doc_free(doc);
    free(text);

    doc = th_doc("t.md", "# Only a heading\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Only a heading");
    assert_string_equal(th_seg_text(doc, 0), "Only a heading");
    td_doc_free(doc);
}

static void never_fails_on_odd_text(void **state)
{
    (void)state;
    td_error err;
    /* Invalid UTF-8 and a NUL: replaced by the core, read as text here. */
    static const char odd[] = "a caf\xe9 au lait for the table by the window\0ok\n\n\xc2\xa0\n";
    td_doc *doc = th_doc_bytes("odd.txt", odd, sizeof(odd) - 1);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 1);
    assert_string_equal(th_seg_text(doc, 0), "a caf\xef\xbf\xbd au lait for the "
                        "table by the window\xef\xbf\xbdok");
    td_doc_free(doc);
    /* Only no-break spaces: nothing to read, a clean error. */
    doc = th_doc("nb.txt", "\xc2\xa0\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "no readable text"));
    td_doc_free(doc);
}

static void seed_001_as_plain_text(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("001", &len);
    if (text == NULL)
        skip();
    td_doc *doc = th_doc_bytes("001.md", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_true(td_doc_segment_count(doc) > 20);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(title_and_paragraphs),
        cmocka_unit_test(one_line_is_text_not_title),
        cmocka_unit_test(never_fails_on_odd_text),
        cmocka_unit_test(seed_001_as_plain_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
