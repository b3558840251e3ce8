/* The sentences the summarizers read: split, joined, windowed, timed. */
#include "harness.h"

#include "common/sentences.h"

#include <string.h>

static char *text_of(const sentences *ss, size_t i)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf), "%.*s", (int)ss->v[i].len, sentence_text(ss, i));
    return buf;
}

static void splits_turns_at_marks(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    int ann = td_doc_speaker(doc, "Ann", 3), bob = td_doc_speaker(doc, "Bob", 3);
    td_doc_add_segment(doc, 0, 10000, ann, TD_SEG_SPEECH,
                       "Hello there. We use tools, e.g. pandas. Is that \"fine?\" Yes!", TD_NTS);
    td_doc_add_segment(doc, 10000, 20000, bob, TD_SEG_SPEECH, "It is… well, I think", TD_NTS);
    td_doc_add_segment(doc, 20000, 30000, bob, TD_SEG_SPEECH, "so.", TD_NTS);
    sentences ss = { 0 };
    assert_int_equal(sentences_split(&ss, doc), 0);
    assert_int_equal(ss.n, 5);
    assert_string_equal(text_of(&ss, 0), "Hello there.");
    assert_string_equal(text_of(&ss, 1), "We use tools, e.g. pandas.");
    assert_string_equal(text_of(&ss, 2), "Is that \"fine?\"");
    assert_true(ss.v[2].question);
    assert_false(ss.v[1].question);
    assert_string_equal(text_of(&ss, 3), "Yes!");
    /* Bob's two segments make one sentence, starting where he started. */
    assert_string_equal(text_of(&ss, 4), "It is… well, I think so.");
    assert_int_equal(ss.v[4].speaker, bob);
    assert_int_equal(ss.v[4].start, 10000);
    assert_int_equal(ss.v[4].seg, 1);
    assert_int_equal(ss.turns, 2);
    assert_true(ss.v[0].turn_start && ss.v[4].turn_start && !ss.v[1].turn_start);
    /* "We use" starts 13 bytes into a 10 s segment of 60 bytes. */
    assert_int_equal(ss.v[1].start, 13 * 10000 / 60);
    sentences_free(&ss);
    td_doc_free(doc);
}

static void captions_join_and_headings_break(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 2000, -1, TD_SEG_SPEECH, "so the first thing", TD_NTS);
    td_doc_add_segment(doc, 2000, 4000, -1, TD_SEG_EVENT, "[music]", TD_NTS);
    td_doc_add_segment(doc, 4000, 6000, -1, TD_SEG_SPEECH, "we did was", TD_NTS);
    td_doc_add_segment(doc, -1, -1, -1, TD_SEG_HEADING, "Part two", TD_NTS);
    td_doc_add_segment(doc, 6000, 8000, -1, TD_SEG_SPEECH, "then came the rest", TD_NTS);
    sentences ss = { 0 };
    assert_int_equal(sentences_split(&ss, doc), 0);
    assert_int_equal(ss.n, 2);
    assert_string_equal(text_of(&ss, 0), "so the first thing we did was");
    assert_int_equal(ss.v[0].words, 7);
    assert_string_equal(text_of(&ss, 1), "then came the rest");
    assert_int_equal(ss.v[1].start, 6000);
    assert_int_equal(ss.v[1].seg, 4);
    sentences_free(&ss);
    td_doc_free(doc);
}

static void unpunctuated_text_in_windows(void **state)
{
    (void)state;
    td_doc *doc = th_doc("a", "x");
    /* 100 caption lines of 3 words, 1 s each: 300 words, no punctuation. */
    for (int i = 0; i < 100; i++)
        td_doc_add_segment(doc, i * 1000, (i + 1) * 1000, -1, TD_SEG_SPEECH,
                           "one two three", TD_NTS);
    sentences ss = { 0 };
    assert_int_equal(sentences_split(&ss, doc), 0);
    assert_int_equal(ss.n, 12);
    size_t words = 0;
    for (size_t i = 0; i < ss.n; i++) {
        assert_int_equal(ss.v[i].words, 25);
        words += ss.v[i].words;
    }
    assert_int_equal(words, 300);
    /* Window 2 starts at word 50: line 16, 8 of its 13 bytes in. */
    assert_int_equal(ss.v[2].seg, 16);
    assert_int_equal(ss.v[2].start, 16000 + 8 * 1000 / 13);
    sentences_free(&ss);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_turns_at_marks),
        cmocka_unit_test(captions_join_and_headings_break),
        cmocka_unit_test(unpunctuated_text_in_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
