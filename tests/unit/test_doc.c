/* The document model: speakers, segments, removal, sections, JSON. */
#include "harness.h"

#include "internal.h"

#include <string.h>

static void source_and_id(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a.txt", "hello");
    assert_string_equal(td_doc_source_name(doc), "a.txt");
    assert_int_equal(td_doc_source_size(doc), 5);
    assert_int_equal(strlen(td_doc_source_id(doc)), 16);
    td_doc *same = th_doc("b.txt", "hello");
    /* The id is of the bytes, not of the name. */
    assert_string_equal(td_doc_source_id(doc), td_doc_source_id(same));
    td_doc_free(same);
    td_doc_free(doc);
}

static void speakers_are_found_by_id(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    int s = td_doc_speaker(doc, "S", TD_NTS);
    int p1 = td_doc_speaker(doc, "P1xyz", 2);
    assert_int_equal(s, 0);
    assert_int_equal(p1, 1);
    assert_int_equal(td_doc_speaker(doc, "S", 1), 0);
    assert_int_equal(td_doc_speaker_set_name(doc, s, "Sayak", TD_NTS), 0);
    assert_string_equal(td_doc_speaker_name(doc, s), "Sayak");
    assert_string_equal(td_doc_speaker_id(doc, s), "S");
    assert_string_equal(td_doc_speaker_name(doc, p1), "P1");
    assert_null(td_doc_speaker_name(doc, 7));
    assert_int_equal(td_doc_add_segment(doc, 0, 1, 9, TD_SEG_SPEECH, "x", 1), -EINVAL);
    td_doc_free(doc);
}

static void rebuild_segments(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    for (int i = 0; i < 100; i++) {
        char t[16];
        snprintf(t, sizeof(t), "seg %d", i);
        assert_int_equal(td_doc_add_segment(doc, i * 1000, TD_TIME_UNKNOWN,
                                            TD_NO_SPEAKER, TD_SEG_SPEECH, t, TD_NTS), 0);
    }
    /* Append the new list after the old one, then drop the old. */
    size_t n = td_doc_segment_count(doc);
    for (size_t i = 0; i < n; i += 2)
        td_doc_add_segment(doc, td_segment_start(td_doc_segment(doc, i)), -1, -1,
                           TD_SEG_SPEECH, th_seg_text(doc, i), TD_NTS);
    assert_int_equal(td_doc_remove_segments(doc, 0, n), 0);
    assert_int_equal(td_doc_segment_count(doc), 50);
    assert_string_equal(th_seg_text(doc, 1), "seg 2");
    assert_int_equal(td_doc_remove_segments(doc, 40, 11), -EINVAL);

    td_segment_drop(td_doc_segment(doc, 0));
    td__doc_compact(doc);
    assert_int_equal(td_doc_segment_count(doc), 49);
    assert_string_equal(th_seg_text(doc, 0), "seg 2");
    td_doc_free(doc);
}

static void set_text_from_itself(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 0, -1, TD_SEG_SPEECH, "  trimmed  ", TD_NTS);
    td_segment *s = td_doc_segment(doc, 0);
    size_t len;
    const char *t = td_segment_text(s, &len);
    assert_int_equal(td_segment_set_text(doc, s, t + 2, 7), 0);
    assert_string_equal(td_segment_text(s, &len), "trimmed");
    assert_int_equal(len, 7);
    td_doc_free(doc);
}

static void json_has_every_section(void **state)
{
    (void)state;
    td_doc *doc = th_doc("talk.txt", "x");
    int a = td_doc_speaker(doc, "A", TD_NTS);
    td_doc_set_title(doc, "T", TD_NTS);
    td_doc_set_format(doc, "captions");
    td_doc_add_segment(doc, 1500, 2000, a, TD_SEG_SPEECH, "hi \"there\"", TD_NTS);
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_EVENT, "", 0);
    td_segment_set_label(doc, td_doc_segment(doc, 1), "laughter");
    td_doc_add_chapter(doc, 0, "Intro", TD_NTS);
    td_doc_add_summary(doc, 1500, a, "hi", TD_NTS);
    td_doc_add_keyword(doc, "open source", TD_NTS, 0.5);
    json_object_set_new(td_doc_stats(doc), "words", json_integer(2));
    td__doc_set_running(doc, "tags");
    td_doc_count_change(doc, "laughter", 1);
    td_doc_count_change(doc, "laughter", 2);

    json_t *j = td_doc_to_json(doc);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "schema")), "transcriptd/1");
    json_t *seg0 = json_array_get(json_object_get(j, "segments"), 0);
    assert_float_equal(json_real_value(json_object_get(seg0, "start")), 1.5, 1e-9);
    assert_string_equal(json_string_value(json_object_get(seg0, "speaker")), "A");
    json_t *seg1 = json_array_get(json_object_get(j, "segments"), 1);
    assert_true(json_is_null(json_object_get(seg1, "start")));
    assert_string_equal(json_string_value(json_object_get(seg1, "label")), "laughter");
    assert_string_equal(json_string_value(json_object_get(seg1, "kind")), "event");
    json_t *changes = json_object_get(json_object_get(j, "changes"), "tags");
    assert_int_equal(json_integer_value(json_object_get(changes, "laughter")), 3);
    json_t *kw = json_array_get(json_object_get(json_object_get(j, "summary"), "keywords"), 0);
    assert_string_equal(json_string_value(json_object_get(kw, "phrase")), "open source");
    json_decref(j);
    td_doc_free(doc);
}

static void invalid_utf8_from_a_plugin_is_refused(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 0, -1, TD_SEG_SPEECH, "bad \xff", TD_NTS);
    assert_null(td_doc_to_json(doc));
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(source_and_id), cmocka_unit_test(speakers_are_found_by_id),
        cmocka_unit_test(rebuild_segments), cmocka_unit_test(set_text_from_itself),
        cmocka_unit_test(json_has_every_section),
        cmocka_unit_test(invalid_utf8_from_a_plugin_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
