/* The whisper-json parser: Whisper, faster-whisper and WhisperX output. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    char *text = th_fixture("whisper-json/openai.json", NULL);
    assert_int_equal(th_probe(p, "w.json", text), 90);
    free(text);
    text = th_fixture("whisper-json/segments_array.json", NULL);
    assert_int_equal(th_probe(p, "w.json", text), 80);
    free(text);
    text = th_fixture("podcast-json/episode.json", NULL);
    assert_int_equal(th_probe(p, "p.json", text), 0);
    free(text);
    assert_int_equal(th_probe(p, "x.json", "{\"name\": \"not a transcript\"}"), 0);

    /* Whisper writes the whole transcript first: the keys come late. */
    td_buf b = TD_BUF_INIT;
    td_buf_printf(&b, "{\"text\": \"");
    for (int i = 0; i < 20000; i++)
        td_buf_printf(&b, " word");
    td_buf_printf(&b, "\", \"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"x\"}]}");
    assert_int_equal(th_probe(p, "long.json", b.data), 90);
    td_buf_free(&b);
}

static void openai_whisper(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "whisper-json/openai.json", 0, &err);
    json_t *meta = td_doc_meta(doc);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_speaker_count(doc), 0);
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_string_equal(json_string_value(json_object_get(meta, "language")), "en");
    /* Words are counted, not kept. */
    assert_int_equal(json_integer_value(json_object_get(meta, "word_timings")), 7);
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 0);
    assert_int_equal(td_segment_end(s), 2480);
    assert_string_equal(th_seg_text(doc, 0), "Welcome back to Byte Sized.");
    s = td_doc_segment(doc, 2);
    assert_int_equal(td_segment_start(s), 3725000);
    assert_int_equal(td_segment_end(s), 3726500);
    assert_string_equal(th_seg_text(doc, 2), "Let's go.");
    td_doc_free(doc);
}

static void whisperx_speakers_and_words(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "whisper-json/whisperx.json", 0, &err);
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(td_doc_speaker_id(doc, 0), "SPEAKER_00");
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 31);
    assert_int_equal(td_segment_speaker(td_doc_segment(doc, 1)), 1);
    /* No "text": the words make it. */
    assert_string_equal(th_seg_text(doc, 2), "Great then.");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 2)), 3000);
    td_doc_free(doc);
}

static void bare_segment_array(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "whisper-json/segments_array.json", 0, &err);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 12000);
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 21250);
    assert_string_equal(th_seg_text(doc, 1), "Blank segments are skipped.");
    td_doc_free(doc);
}

static void broken_files_fail_cleanly(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "whisper-json/bad_times.json", -1, &err);
    assert_string_equal(err.message, "segment 1: 'start' and 'end' must be seconds (0 to 1e9)");
    assert_int_equal(td_doc_segment_count(doc), 1);
    td_doc_free(doc);

    doc = th_doc("t.json", "{\"segments\": [{\"start\": 1, \"end\": 1e300, \"text\": \"x\"}]}");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "segment 0"));
    td_doc_free(doc);

    doc = th_doc("t.json", "{\"segments\": [{\"start\": 2, \"end\": 1, \"text\": \"x\"}]}");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_string_equal(err.message, "segment 0 ends before it starts");
    td_doc_free(doc);

    doc = th_doc("t.json", "{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"x\"},\n ]}");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "not valid Whisper JSON: line 2"));
    td_doc_free(doc);
}

/* jansson's depth limit turns a deeply nested file into an error, not a crash. */
static void deep_nesting_fails_cleanly(void **state)
{
    (void)state;
    td_error err;
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 64);
    size_t n = (size_t)sprintf(deep, "{\"segments\": ");
    memset(deep + n, '[', depth);
    memset(deep + n + depth, ']', depth);
    strcpy(deep + n + 2 * depth, "}");
    td_doc *doc = th_doc("deep.json", deep);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "maximum parsing depth reached"));
    td_doc_free(doc);
    free(deep);
}

/* Thousands of speakers would make speaker lookup quadratic: refused. */
static void too_many_speakers_fail(void **state)
{
    (void)state;
    td_error err;
    td_buf b = TD_BUF_INIT;
    td_buf_printf(&b, "{\"segments\": [");
    for (int i = 0; i < 600; i++)
        td_buf_printf(&b, "%s{\"start\": %d, \"end\": %d, \"text\": \"hi\", "
                      "\"speaker\": \"S%d\"}", i ? "," : "", i, i + 1, i);
    td_buf_printf(&b, "]}");
    td_doc *doc = th_doc("many.json", b.data);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_string_equal(err.message, "more than 500 speakers: not a transcript");
    td_doc_free(doc);
    td_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(openai_whisper),
        cmocka_unit_test(whisperx_speakers_and_words),
        cmocka_unit_test(bare_segment_array),
        cmocka_unit_test(broken_files_fail_cleanly),
        cmocka_unit_test(deep_nesting_fails_cleanly),
        cmocka_unit_test(too_many_speakers_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
