/* The srt parser: cues, tags, entities, loose files, rolling captions, errors. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    char *basic = th_fixture("srt/basic.srt", NULL);
    assert_int_equal(th_probe(p, "b.srt", basic), 90);
    free(basic);
    assert_int_equal(th_probe(p, "x.txt", "0:00 caption dump\n0:03 more\n"), 0);
    assert_int_equal(th_probe(p, "x.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n"), 0);
    assert_int_equal(th_probe(p, "one.srt", "1\n00:00:01,000 --> 00:00:02,000\nOne.\n"), 70);
}

static void basic_cues(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "srt/basic.srt", 0, &err);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_speaker_count(doc), 0);
    assert_int_equal(td_doc_segment_count(doc), 5);
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 1200);
    assert_int_equal(td_segment_end(s), 3900);
    assert_string_equal(th_seg_text(doc, 0), "Welcome to the Harbour Lights podcast.");
    assert_string_equal(th_seg_text(doc, 1),
                        "I'm Maya, and today we talk about tide tables & moon phases.");
    /* Cue settings ignored; ASS override and font tag removed. */
    assert_string_equal(th_seg_text(doc, 2), "Fishermen \"read\" the water.");
    s = td_doc_segment(doc, 3);
    assert_int_equal(td_segment_kind(s), TD_SEG_EVENT);
    assert_string_equal(td_segment_label(s), "music");
    s = td_doc_segment(doc, 4);
    assert_int_equal(td_segment_start(s), 3723004);
    assert_int_equal(td_segment_end(s), 3725500);
    assert_string_equal(th_seg_text(doc, 4), "That's all \xe2\x80\x94 see you next week.");
    td_doc_free(doc);
}

static void crlf_bom_and_no_final_newline(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "srt/crlf_bom.srt", 0, &err);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 0), "Line one of a cue with a second line");
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 500);
    assert_string_equal(th_seg_text(doc, 1), "The last cue, no final line break");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 4000);
    td_doc_free(doc);
}

static void loose_files(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "srt/loose.srt", 0, &err);
    assert_int_equal(td_doc_segment_count(doc), 4);
    assert_string_equal(th_seg_text(doc, 0), "Numbers are optional in practice.");
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 5000);
    /* The "1" before the second timing is its number, not text. */
    assert_string_equal(th_seg_text(doc, 1), "This cue had no blank line before it.");
    /* A number that no timing follows is text. */
    assert_string_equal(th_seg_text(doc, 2), "42");
    td_segment *s = td_doc_segment(doc, 3);
    assert_int_equal(td_segment_start(s), 12000);
    assert_int_equal(td_segment_end(s), 12000);
    assert_int_equal(td_doc_warning_count(doc), 1);
    td_doc_free(doc);
}

static void rolling_captions_come_out_once(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "srt/rolling.srt", 0, &err);
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_string_equal(th_seg_text(doc, 0), "so today we are going");
    assert_string_equal(th_seg_text(doc, 1), "to look at sourdough starters");
    assert_int_equal(td_segment_start(td_doc_segment(doc, 1)), 2360);
    assert_string_equal(th_seg_text(doc, 2), "and how to feed them");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 2)), 7900);
    td_doc_free(doc);
}

static void repeated_lines_of_ordinary_subtitles_stay(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("r.srt", "1\n00:00:01,000 --> 00:00:02,000\nNo.\n\n"
                                  "2\n00:00:02,000 --> 00:00:03,000\nNo.\n\n"
                                  "3\n00:00:03,000 --> 00:00:04,000\nWhy not?\n\n"
                                  "4\n00:00:04,000 --> 00:00:05,000\nBecause.\n\n"
                                  "5\n00:00:05,000 --> 00:00:06,000\nFine.\n\n"
                                  "6\n00:00:06,000 --> 00:00:07,000\nGood.\n\n"
                                  "7\n00:00:07,000 --> 00:00:08,000\nBye.\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 7);
    td_doc_free(doc);
}

static void broken_files_fail_with_the_line(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "srt/bad_timing.srt", -1, &err);
    assert_non_null(strstr(err.message, "line 10"));
    assert_non_null(strstr(err.message, "00:00:0x,000"));
    td_doc_free(doc);

    doc = th_doc("t.srt", "Some title\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "line 1: text before the first cue"));
    td_doc_free(doc);

    doc = th_doc("n.srt", "1\n\n2\n00:00:01,000 --> 00:00:02,000\nHi\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "line 1: cue number"));
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(basic_cues),
        cmocka_unit_test(crlf_bom_and_no_final_newline),
        cmocka_unit_test(loose_files),
        cmocka_unit_test(rolling_captions_come_out_once),
        cmocka_unit_test(repeated_lines_of_ordinary_subtitles_stay),
        cmocka_unit_test(broken_files_fail_with_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
