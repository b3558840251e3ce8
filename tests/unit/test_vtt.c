/* The vtt parser: header, blocks, voices, tags, rolling captions, errors. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    assert_int_equal(th_probe(p, "a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n"), 95);
    assert_int_equal(th_probe(p, "a.vtt", "WEBVTT - title\n"), 95);
    assert_int_equal(th_probe(p, "a.txt", "WEBVTTX\n"), 0);
    assert_int_equal(th_probe(p, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n"), 0);
}

static void basic_file(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "vtt/basic.vtt", 0, &err);
    assert_string_equal(td_doc_title(doc), "Night Market Tour");
    assert_string_equal(json_string_value(json_object_get(td_doc_meta(doc), "language")),
                        "en-GB");
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(td_doc_speaker_name(doc, 0), "Ines");
    assert_string_equal(td_doc_speaker_name(doc, 1), "Tom\xc3\xa1s");
    assert_int_equal(td_doc_segment_count(doc), 5);

    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 1000);
    assert_int_equal(td_segment_end(s), 4500);
    assert_int_equal(td_segment_speaker(s), 0);
    assert_string_equal(th_seg_text(doc, 0), "Welcome to the night market, everyone!");
    assert_int_equal(td_segment_speaker(td_doc_segment(doc, 1)), 1);
    assert_string_equal(th_seg_text(doc, 1), "The dumplings here are famous.");
    assert_string_equal(th_seg_text(doc, 2), "Tr\xc3\xa8s bon & cheap <3");
    s = td_doc_segment(doc, 3);
    assert_int_equal(td_segment_kind(s), TD_SEG_EVENT);
    assert_string_equal(td_segment_label(s), "crowd cheering");
    assert_int_equal(td_segment_speaker(s), TD_NO_SPEAKER);
    s = td_doc_segment(doc, 4);
    assert_int_equal(td_segment_start(s), 3600000);
    assert_int_equal(td_segment_end(s), 3603000);
    assert_string_equal(th_seg_text(doc, 4), "Goodnight from the market.");
    td_doc_free(doc);
}

static void crlf_bom(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "vtt/crlf_bom.vtt", 0, &err);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 1), "Hi, Ada!");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 3000);
    td_doc_free(doc);
}

static void youtube_rolling_captions(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "vtt/youtube_rolling.vtt", 0, &err);
    assert_int_equal(td_doc_segment_count(doc), 4);
    assert_string_equal(th_seg_text(doc, 0), "hello everyone welcome to");
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 0);
    assert_string_equal(th_seg_text(doc, 1), "our repair cafe stream");
    assert_int_equal(td_segment_start(td_doc_segment(doc, 1)), 2360);
    assert_int_equal(td_segment_kind(td_doc_segment(doc, 2)), TD_SEG_EVENT);
    assert_string_equal(th_seg_text(doc, 3), "today we fix a toaster");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 3)), 10500);
    assert_true(json_is_true(json_object_get(td_doc_meta(doc), "rolling_captions")));
    td_doc_free(doc);
}

static void broken_files_fail_with_the_line(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_parse_fixture(td_plugin_entry(), "vtt/bad_id.vtt", -1, &err);
    assert_non_null(strstr(err.message, "line 7: cue 'cue-2' has no timing line"));
    td_doc_free(doc);
    doc = th_parse_fixture(td_plugin_entry(), "vtt/bad_timing.vtt", -1, &err);
    assert_non_null(strstr(err.message, "line 6"));
    assert_non_null(strstr(err.message, "end time"));
    td_doc_free(doc);
    doc = th_doc("x.vtt", "WEBVTT\n\nNOTE nothing else\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_string_equal(err.message, "no WebVTT cues found");
    td_doc_free(doc);
}

/* A cue of a million '<' and '{\' is read in linear time, kept as text. */
static void long_lines_stay_linear(void **state)
{
    (void)state;
    td_error err;
    size_t n = 2000000;
    char *s = malloc(n + 64);
    size_t i = (size_t)sprintf(s, "WEBVTT\n\n00:00.000 --> 00:01.000\n");
    while (i + 3 < n) {
        memcpy(s + i, "<a{\\", 4);
        i += 4;
    }
    strcpy(s + i, "\n");
    td_doc *doc = th_doc("long.vtt", s);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 1);
    assert_true(strncmp(th_seg_text(doc, 0), "<a{\\<a{\\", 8) == 0);
    td_doc_free(doc);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(basic_file),
        cmocka_unit_test(crlf_bom),
        cmocka_unit_test(youtube_rolling_captions),
        cmocka_unit_test(broken_files_fail_with_the_line),
        cmocka_unit_test(long_lines_stay_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
