/* The webvtt exporter: the subrip cues, as WebVTT with voices and escapes. */
#include "sample_docs.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void workshop_with_voices_and_escapes(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *vtt = sd_export(td_plugin_entry(), doc, NULL, "vtt");
    assert_true(strncmp(vtt, "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n"
                             "<v Ann>Welcome to the workshop.\n\n"
                             "00:00:04.000 --> 00:00:09.000\n"
                             "<v Ann>Today we build a birdhouse out of pine.\n\n"
                             "00:00:09.000 --> 00:00:12.000\n"
                             "<v Bob>Sounds good. What do we need?\n\n"
                             "00:00:12.000 --> 00:00:14.000\n[laughter]\n\n", 251) == 0);
    /* Markup characters in the text are escaped, never live. */
    assert_non_null(strstr(vtt, "\n<v Bob>Use a &lt;sharp&gt; saw &amp; take care.\n\n"));
    assert_null(strstr(vtt, "<sharp>"));
    /* A voice on every cue of a turn, and no "Name: " labels. */
    assert_non_null(strstr(vtt, "\n<v Ann>then the back panel,\nand then both side panels,\n"));
    assert_null(strstr(vtt, "Ann:"));
    sd_cue c[64];
    size_t n = sd_read_cues(vtt, c, 64);
    assert_int_equal(n, 10);
    for (size_t i = 1; i < n; i++)
        assert_true(c[i].start >= c[i - 1].end && c[i].end > c[i].start);
    free(vtt);
    td_doc_free(doc);
}

static void speaker_names_are_escaped_in_voices(void **state)
{
    (void)state;
    td_doc *doc = th_doc("x.txt", "x");
    int s = td_doc_speaker(doc, "S1", TD_NTS);
    td_doc_speaker_set_name(doc, s, "Q&A <host>", TD_NTS);
    td_doc_add_segment(doc, 1000, 3000, s, TD_SEG_SPEECH, "hello", TD_NTS);
    char *vtt = sd_export(td_plugin_entry(), doc, NULL, "vtt");
    assert_string_equal(vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"
                             "<v Q&amp;A &lt;host&gt;>hello\n\n");
    free(vtt);
    vtt = sd_export(td_plugin_entry(), doc, (const char *[]){ "voices", "no", NULL }, "vtt");
    assert_string_equal(vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nhello\n\n");
    free(vtt);
    td_doc_free(doc);
}

static void untimed_document_fails(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    td_error err = { "" };
    td__doc_set_export(doc, "/tmp", "never", false);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_string_equal(err.message, "no segment has a start time, and captions need "
                                     "times (set [webvtt] untimed = skip to write none)");
    assert_non_null(strstr(sd_init_error(td_plugin_entry(), "max_duration", "0.5"),
                           "max_duration"));
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workshop_with_voices_and_escapes),
        cmocka_unit_test(speaker_names_are_escaped_in_voices),
        cmocka_unit_test(untimed_document_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
