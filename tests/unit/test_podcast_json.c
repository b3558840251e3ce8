/* The podcast-json parser: Podcasting 2.0 JSON transcripts. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    char *text = th_fixture("podcast-json/episode.json", NULL);
    assert_int_equal(th_probe(p, "p.json", text), 92);
    free(text);
    text = th_fixture("whisper-json/openai.json", NULL);
    assert_int_equal(th_probe(p, "w.json", text), 0);
    free(text);
}

static void episode(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "podcast-json/episode.json", 0, &err);
    assert_null(td_doc_title(doc));
    assert_string_equal(json_string_value(json_object_get(td_doc_meta(doc), "version")),
                        "1.0.0");
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(td_doc_speaker_id(doc, 0), "Wendy");
    assert_string_equal(td_doc_speaker_id(doc, 1), "Raj");
    assert_int_equal(td_doc_segment_count(doc), 6);
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 500);
    assert_int_equal(td_segment_end(s), 3200);
    assert_string_equal(th_seg_text(doc, 0), "Hello and welcome to Night Owls & Early Birds.");
    s = td_doc_segment(doc, 2);
    assert_int_equal(td_segment_kind(s), TD_SEG_EVENT);
    assert_string_equal(td_segment_label(s), "jingle");
    assert_int_equal(td_segment_speaker(s), TD_NO_SPEAKER);
    /* Segments stay as the publisher cut them. */
    assert_string_equal(th_seg_text(doc, 3), "So,");
    s = td_doc_segment(doc, 5);
    assert_int_equal(td_segment_start(s), 4210250);
    assert_int_equal(td_segment_end(s), 4212000);
    assert_int_equal(td_segment_speaker(s), 1);
    assert_string_equal(th_seg_text(doc, 5), "Good night, everyone.");
    td_doc_free(doc);
}

static void broken_files_fail_cleanly(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "podcast-json/bad_body.json", -1, &err);
    assert_string_equal(err.message, "segment 1: 'body' is missing or not a string");
    td_doc_free(doc);
    doc = th_parse_fixture(td_plugin_entry(), "podcast-json/ends_early.json", -1, &err);
    assert_string_equal(err.message, "segment 0 ends before it starts");
    td_doc_free(doc);
    doc = th_doc("x.json", "{\"version\": \"1.0.0\", \"segments\": {}}");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "no 'segments' array"));
    td_doc_free(doc);
    doc = th_doc("x.json", "{\"segments\": [{\"startTime\": -1, \"body\": \"x\"}]}");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "'startTime' must be seconds"));
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(episode),
        cmocka_unit_test(broken_files_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
