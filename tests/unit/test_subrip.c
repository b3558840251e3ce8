/* The subrip exporter: readable cues, speaker labels, kept times. */
#include "sample_docs.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const td_plugin *td_plugin_entry(void);

#define MAXCUES 256

/* Counts code points. */
static size_t chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* The text with line breaks as spaces, in place. */
static char *flat(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return s;
}

/* Every cue: 1 or 2 lines of at most 42 characters (unless one word),
 * min..7 s, in order, no overlap. */
static void assert_readable(const sd_cue *c, size_t n, td_ms min)
{
    for (size_t i = 0; i < n; i++) {
        assert_true(c[i].lines >= 1 && c[i].lines <= 2);
        const char *line = c[i].text;
        while (line) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            if (memchr(line, ' ', len))
                assert_in_range(chars(line, len), 1, 42);
            line = nl ? nl + 1 : NULL;
        }
        assert_true(c[i].end > c[i].start);
        assert_in_range(c[i].end - c[i].start, min, 7000);
        if (i > 0)
            assert_true(c[i].start >= c[i - 1].end);
    }
}

static void workshop_cues_and_labels(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    /* Turns start with the speaker; an event has none; the heading is not a caption. */
    assert_non_null(strstr(srt, "1\n00:00:00,000 --> 00:00:04,000\nAnn: Welcome to the workshop.\n\n"
                                "2\n00:00:04,000 --> 00:00:09,000\nToday we build a birdhouse out of pine.\n\n"
                                "3\n00:00:09,000 --> 00:00:12,000\nBob: Sounds good. What do we need?\n\n"
                                "4\n00:00:12,000 --> 00:00:14,000\n[laughter]\n\n"));
    assert_null(strstr(srt, "Questions"));
    /* No escaping in SubRip: the text is as said. */
    assert_non_null(strstr(srt, "\nBob: Use a <sharp> saw & take care.\n"));
    sd_cue c[MAXCUES];
    size_t n = sd_read_cues(srt, c, MAXCUES);
    assert_readable(c, n, 1000);
    /* The 15 s turn is cut at clauses into cues sharing its time exactly. */
    size_t first = 0;
    while (first < n && c[first].start != 60000)
        first++;
    assert_true(first < n);
    /* Ann's turn goes on past the heading: no label again. */
    assert_string_equal(c[first].text, "First we cut the front panel to size,");
    assert_string_equal(c[first + 1].text, "then the back panel,\nand then both side panels,");
    assert_int_equal(c[first + 2].end, 75000);
    free(srt);
    td_doc_free(doc);
}

static void long_turn_is_cut_into_readable_cues(void **state)
{
    (void)state;
    td_doc *doc = th_doc("podcast.txt", "x");
    td_buf text = TD_BUF_INIT;
    for (int i = 0; i < 40; i++)
        td_buf_printf(&text, "word%02d and some more%s ", i, i % 7 == 6 ? "." : "");
    /* 40 phrases (~850 characters) over two minutes, end not given. */
    td_doc_add_segment(doc, 5000, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       text.data, text.len);
    td_doc_add_segment(doc, 125000, 127000, TD_NO_SPEAKER, TD_SEG_SPEECH, "next.", TD_NTS);
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    sd_cue c[MAXCUES];
    size_t n = sd_read_cues(srt, c, MAXCUES);
    assert_readable(c, n, 1000);
    assert_true(n >= 12);
    assert_int_equal(c[0].start, 5000);
    assert_int_equal(c[n - 1].start, 125000);
    /* Every word, once, in order. */
    td_buf got = TD_BUF_INIT;
    for (size_t i = 0; i + 1 < n; i++)
        td_buf_printf(&got, "%s ", flat(c[i].text));
    assert_string_equal(got.data, text.data);
    td_buf_free(&got);
    td_buf_free(&text);
    free(srt);
    td_doc_free(doc);
}

static void readable_cues_keep_every_time(void **state)
{
    (void)state;
    size_t len;
    char *src = th_fixture("exporters/roundtrip.srt", &len);
    td_doc *doc = sd_from_srt("exporters/roundtrip.srt");
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    sd_cue a[64], b[64];
    size_t na = sd_read_cues(src, a, 64), nb = sd_read_cues(srt, b, 64);
    assert_int_equal(na, 6);
    assert_int_equal(nb, na);
    /* A cue that has to be two lines keeps its two lines. */
    assert_string_equal(b[2].text, "Fishing boats come in one by one,\n"
                                   "gulls following every one of them.");
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(b[i].start, a[i].start);
        assert_int_equal(b[i].end, a[i].end);
        /* The words too; lines may be broken elsewhere. */
        assert_string_equal(flat(b[i].text), flat(a[i].text));
    }
    free(srt);
    free(src);
    td_doc_free(doc);
}

static void untimed_document_fails_or_skips(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    td_error err = { "" };
    char tmpl[] = "/tmp/td-srt-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    td__doc_set_export(doc, tmpl, "out", false);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "no segment has a start time"));
    assert_non_null(strstr(err.message, "untimed = skip"));

    /* skip: no output, a warning in the document. */
    assert_int_equal(th_run(td_plugin_entry(), doc, (const char *[]){ "untimed", "skip", NULL },
                            &err), 0);
    assert_int_equal(td__doc_commit_outputs(doc, NULL, &err), 0);
    assert_null(th_read_file(tmpl, "out.srt", NULL));
    assert_int_equal(td_doc_warning_count(doc), 1);
    rmdir(tmpl);
    td_doc_free(doc);
}

static void untimed_segments_are_left_out_with_a_warning(void **state)
{
    (void)state;
    td_doc *doc = th_doc("mixed.txt", "x");
    td_doc_add_segment(doc, 0, 2000, TD_NO_SPEAKER, TD_SEG_SPEECH, "one", TD_NTS);
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_SPEECH, "lost", TD_NTS);
    td_doc_add_segment(doc, 3000, 5000, TD_NO_SPEAKER, TD_SEG_SPEECH, "two", TD_NTS);
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    assert_string_equal(srt, "1\n00:00:00,000 --> 00:00:02,000\none\n\n"
                             "2\n00:00:03,000 --> 00:00:05,000\ntwo\n\n");
    json_t *j = td_doc_to_json(doc);
    const char *w = json_string_value(json_array_get(json_object_get(j, "warnings"), 0));
    assert_string_equal(w, "subrip: 1 segments without a time left out of the captions");
    json_decref(j);
    free(srt);
    td_doc_free(doc);
}

static void short_same_instant_and_backwards_times(void **state)
{
    (void)state;
    td_doc *doc = th_doc("odd.txt", "x");
    /* Two lines stamped the same second (a caption dump): one cue. */
    td_doc_add_segment(doc, 17000, 17000, TD_NO_SPEAKER, TD_SEG_SPEECH, "our pipeline.", TD_NTS);
    td_doc_add_segment(doc, 17000, 19000, TD_NO_SPEAKER, TD_SEG_SPEECH, "Very important.", TD_NTS);
    /* 300 ms with room after it: lengthened to a second. */
    td_doc_add_segment(doc, 20000, 20300, TD_NO_SPEAKER, TD_SEG_SPEECH, "Yes.", TD_NTS);
    /* Time going backwards: still no overlap. */
    td_doc_add_segment(doc, 30000, 33000, TD_NO_SPEAKER, TD_SEG_SPEECH, "later", TD_NTS);
    td_doc_add_segment(doc, 29000, 31000, TD_NO_SPEAKER, TD_SEG_SPEECH, "earlier", TD_NTS);
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    sd_cue c[16];
    size_t n = sd_read_cues(srt, c, 16);
    assert_int_equal(n, 4);
    assert_string_equal(c[0].text, "our pipeline. Very important.");
    assert_int_equal(c[0].start, 17000);
    assert_int_equal(c[0].end, 19000);
    assert_int_equal(c[1].start, 20000);
    assert_int_equal(c[1].end, 21000);
    assert_true(c[3].start >= c[2].end);
    assert_true(c[3].end - c[3].start >= 1000);
    free(srt);
    td_doc_free(doc);
}

static void events_are_bracketed_captions(void **state)
{
    (void)state;
    td_doc *doc = th_doc("x.txt", "x");
    /* A parser that strips the brackets keeps the words: they come back. */
    td_doc_add_segment(doc, 16500, 19999, TD_NO_SPEAKER, TD_SEG_EVENT, "bell ringing", TD_NTS);
    td_segment_set_label(doc, td_doc_segment(doc, 0), "bell ringing");
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    assert_string_equal(srt, "1\n00:00:16,500 --> 00:00:19,999\n[bell ringing]\n\n");
    free(srt);
    td_doc_free(doc);
}

static void one_line_option(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *srt = sd_export(td_plugin_entry(), doc,
                          (const char *[]){ "lines", "1", "line_length", "30",
                                            "speaker_labels", "no", NULL }, "srt");
    sd_cue c[MAXCUES];
    size_t n = sd_read_cues(srt, c, MAXCUES);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[i].lines, 1);
        assert_true(chars(c[i].text, strlen(c[i].text)) <= 30);
    }
    assert_null(strstr(srt, "Ann:"));
    free(srt);
    td_doc_free(doc);
}

static void bad_options_fail_init(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    assert_non_null(strstr(sd_init_error(p, "lines", "3"), "lines must be 1 or 2"));
    assert_non_null(strstr(sd_init_error(p, "line_length", "5"), "line_length"));
    assert_non_null(strstr(sd_init_error(p, "min_duration", "8"), "min_duration"));
    assert_non_null(strstr(sd_init_error(p, "untimed", "ignore"), "'ignore'"));
}

static void caption_seed_keeps_every_line(void **state)
{
    (void)state;
    size_t len;
    char *text = th_seed("003", &len);
    if (text == NULL)
        skip();
    /* The caption parser's view: "m:ss text" lines, each ending at the next. */
    td_doc *doc = th_doc("003.txt", text);
    td_ms prev = -1;
    char *save = NULL;
    size_t lines = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int m, s, n = 0;
        if (sscanf(line, "%d:%d %n", &m, &s, &n) != 2 || n == 0)
            continue;
        td_ms at = (td_ms)(m * 60 + s) * 1000;
        if (prev >= 0)
            td_segment_set_times(td_doc_segment(doc, lines - 1), prev, at);
        td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_SPEECH,
                           line + n, TD_NTS);
        prev = at;
        lines++;
    }
    char *srt = sd_export(td_plugin_entry(), doc, NULL, "srt");
    sd_cue *c = malloc(4000 * sizeof(*c));
    size_t n = sd_read_cues(srt, c, 4000);
    assert_true(lines > 1000);
    /* Lines already read well: one cue each, but for lines stamped the
     * same second, which share one. */
    assert_in_range(n, lines - lines / 50, lines);
    assert_readable(c, n, 1000);
    td_buf want = TD_BUF_INIT, got = TD_BUF_INIT;
    for (size_t i = 0; i < lines; i++)
        td_buf_printf(&want, "%s ", th_seg_text(doc, i));
    for (size_t i = 0; i < n; i++)
        td_buf_printf(&got, "%s ", flat(c[i].text));
    want.len = td_text_squeeze(want.data, want.len);
    got.len = td_text_squeeze(got.data, got.len);
    size_t at = 0;
    while (want.data[at] && want.data[at] == got.data[at])
        at++;
    if (want.data[at] != got.data[at])
        fail_msg("cue text differs at %zu: '%.60s' != '%.60s'", at, got.data + at,
                 want.data + at);
    td_buf_free(&want);
    td_buf_free(&got);
    free(c);
    free(srt);
    free(text);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workshop_cues_and_labels),
        cmocka_unit_test(long_turn_is_cut_into_readable_cues),
        cmocka_unit_test(readable_cues_keep_every_time),
        cmocka_unit_test(untimed_document_fails_or_skips),
        cmocka_unit_test(untimed_segments_are_left_out_with_a_warning),
        cmocka_unit_test(short_same_instant_and_backwards_times),
        cmocka_unit_test(events_are_bracketed_captions),
        cmocka_unit_test(one_line_option),
        cmocka_unit_test(bad_options_fail_init),
        cmocka_unit_test(caption_seed_keeps_every_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
