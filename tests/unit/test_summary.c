/* The summary summarizer: central, distinct sentences in time order. */
#include "harness.h"
#include "turns_doc.h"

#include "common/sentences.h"

#include <stdio.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void print_summary(const td_doc *doc)
{
    char t[24];
    for (size_t i = 0; i < td_doc_summary_count(doc); i++)
        fprintf(stderr, "  %s %s: %s\n", td_time_format(td_doc_summary_start(doc, i), false, t),
                td_doc_speaker_name(doc, td_doc_summary_speaker(doc, i)),
                td_doc_summary_text(doc, i));
}

/* Every summary line is a sentence of a segment of its speaker, said at
 * or after the segment's start; lines are distinct and in time order. */
static void assert_extractive(const td_doc *doc, size_t want)
{
    assert_int_equal(td_doc_summary_count(doc), want);
    size_t last_seg = 0;
    for (size_t i = 0; i < want; i++) {
        const char *line = td_doc_summary_text(doc, i);
        size_t seg = SIZE_MAX;
        for (size_t k = last_seg; k < td_doc_segment_count(doc) && seg == SIZE_MAX; k++)
            if (strstr(th_seg_text(doc, k), line) != NULL)
                seg = k;
        assert_true(seg != SIZE_MAX);
        const td_segment *s = td_doc_segment(doc, seg);
        assert_int_equal(td_doc_summary_speaker(doc, i), td_segment_speaker(s));
        assert_true(td_doc_summary_start(doc, i) >= td_segment_start(s));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(td_doc_summary_text(doc, j), line);
        if (i > 0)
            assert_true(td_doc_summary_start(doc, i) >= td_doc_summary_start(doc, i - 1));
        last_seg = seg;
    }
}

static void fixture_five_sentences(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    print_summary(doc);
    assert_extractive(doc, 5);
    td_doc_free(doc);
    free(text);
}

static void seed_000_five_sentences(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = turns_doc("000.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    print_summary(doc);
    assert_extractive(doc, 5);
    td_doc_free(doc);
    free(text);
}

static void options_sentences_and_ratio(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, false);
    const char *three[] = { "sentences", "3", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, three, &err), 0);
    assert_extractive(doc, 3);
    td_doc_free(doc);
    /* A fifth of the fixture's sentences, rounded up. */
    doc = turns_doc("podcast.txt", text, false);
    sentences ss = { 0 };
    assert_int_equal(sentences_split(&ss, doc), 0);
    assert_int_equal(ss.n, 53);
    sentences_free(&ss);
    const char *fifth[] = { "ratio", "0.2", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, fifth, &err), 0);
    assert_extractive(doc, 11);
    td_doc_free(doc);
    free(text);
}

/* The most central sentence said three times is picked once. */
static void repeated_sentence_picked_once(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("r", "x");
    static const char *const lines[] = {
        "The harbour master keeps the harbour open for every sailing boat in the spring.",
        "Our sailing club teaches knots, wind and harbour rules to every new crew.",
        "The harbour master keeps the harbour open for every sailing boat in the spring.",
        "A sailing boat needs a crew that reads the wind before it leaves the harbour.",
        "The harbour master keeps the harbour open for every sailing boat in the spring.",
        "Bees need flowers from March to October, and city parks give them plenty.",
        "The lake freezes in January, so every boat stays out of the water until April.",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        td_doc_add_segment(doc, (td_ms)i * 10000, TD_TIME_UNKNOWN, -1, TD_SEG_SPEECH,
                           lines[i], TD_NTS);
    const char *two[] = { "sentences", "3", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, two, &err), 0);
    print_summary(doc);
    size_t master = 0;
    for (size_t i = 0; i < td_doc_summary_count(doc); i++)
        master += strcmp(td_doc_summary_text(doc, i), lines[0]) == 0;
    assert_int_equal(master, 1);
    assert_int_equal(td_doc_summary_count(doc), 3);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_five_sentences),
        cmocka_unit_test(options_sentences_and_ratio),
        cmocka_unit_test(repeated_sentence_picked_once),
        cmocka_unit_test(seed_000_five_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
