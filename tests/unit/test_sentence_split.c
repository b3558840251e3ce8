/* The sentences the summarizers read: split, joined, windowed, timed. */
#include "harness.h"

#include "common/analysis.h"
#include "common/stems.h"
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

/* Made once per document, made again when a segment changes. */
static void analysis_is_shared_until_segments_change(void **state)
{
    (void)state;
    td_error err;
    text_options en = { .language = "english" }, nl = { .language = "dutch" };
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 1000, -1, TD_SEG_SPEECH, "Bees make honey. Boats sail.", TD_NTS);
    assert_int_equal(stopwords_load(&en.stop, TD_SOURCE_DIR "/conf/stopwords-en.txt", &err), 0);
    nl.stop = en.stop;
    const sentences *ss = analysis_sentences(doc);
    assert_non_null(ss);
    assert_int_equal(ss->n, 2);
    assert_ptr_equal(analysis_sentences(doc), ss);
    doc_words *w = analysis_words(doc, &en);
    assert_non_null(w);
    assert_ptr_equal(w->ss, ss);
    assert_int_equal(w->first[2], 4);           /* bees make honey boats sail: "make" stops */
    assert_ptr_equal(analysis_words(doc, &en), w);
    /* Another stemmer is another analysis of the same sentences. */
    doc_words *dutch = analysis_words(doc, &nl);
    assert_true(dutch != w && dutch->ss == ss);

    td_segment_set_text(doc, td_doc_segment(doc, 0), "Bees make honey.", TD_NTS);
    const sentences *again = analysis_sentences(doc);
    assert_int_equal(again->n, 1);
    doc_words *w2 = analysis_words(doc, &en);
    assert_ptr_equal(w2->ss, again);
    assert_int_equal(w2->first[1], 2);
    td_doc_free(doc);
    stopwords_free(&en.stop);
}

static td_doc *doc_of(const char *text)
{
    td_doc *doc = th_doc("m", "x");
    td_doc_add_segment(doc, 0, 1000, -1, TD_SEG_SPEECH, text, TD_NTS);
    return doc;
}

/*
 * The stems a thread remembers from earlier documents give a document the
 * same tokens and the same terms, numbered alike, as stemming it afresh.
 */
static void remembered_stems_give_the_same_terms(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Volunteers volunteer at the hives. Bees make honey; beekeepers harvest it.",
        "Volunteering with bees: the hive\u2019s honey, harvested by volunteers in 2023.",
        "Ice-cream trucks, open-source software and a supercalifragilisticexpialidocious "
        "beekeeping volunteer.",
    };
    td_error err;
    text_options fresh = { .language = "english" }, kept = { .language = "english" };
    assert_int_equal(stopwords_load(&fresh.stop, TD_SOURCE_DIR "/conf/stopwords-en.txt", &err), 0);
    assert_int_equal(stopwords_load(&kept.stop, TD_SOURCE_DIR "/conf/stopwords-en.txt", &err), 0);
    kept.memories = stem_memories_new(&kept.stop, kept.language);
    assert_non_null(kept.memories);
    /* Twice over: the second round finds every word remembered. */
    for (size_t round = 0; round < 2 * 3; round++) {
        td_doc *a = doc_of(texts[round % 3]), *b = doc_of(texts[round % 3]);
        doc_words *wa = analysis_words(a, &fresh), *wb = analysis_words(b, &kept);
        assert_non_null(wa);
        assert_non_null(wb);
        assert_true(wa->tk.n > 5);
        assert_int_equal(wa->tk.n, wb->tk.n);
        assert_int_equal(lexicon_term_count(wa->lx), lexicon_term_count(wb->lx));
        for (size_t i = 0; i < wa->tk.n; i++) {
            assert_int_equal(wa->tk.v[i].term, wb->tk.v[i].term);
            assert_int_equal(wa->tk.v[i].off, wb->tk.v[i].off);
            assert_int_equal(wa->tk.v[i].gap, wb->tk.v[i].gap);
        }
        for (uint32_t t = 0; t < lexicon_term_count(wa->lx); t++) {
            size_t la, lb;
            const char *sa = lexicon_term(wa->lx, t, &la), *sb = lexicon_term(wb->lx, t, &lb);
            assert_int_equal(la, lb);
            assert_memory_equal(sa, sb, la);
        }
        /* "Volunteers" and "volunteer" are one term. */
        if (round % 3 == 0)
            assert_int_equal(wb->tk.v[0].term, wb->tk.v[1].term);
        td_doc_free(a);
        td_doc_free(b);
    }
    text_options_free(&kept);
    stopwords_free(&fresh.stop);
}

/* td_doc_attach(): one datum per key, freed with the document or when replaced. */
static int freed;
static void count_free(void *p) { freed += *(int *)p; }

static void attach_replaces_and_frees(void **state)
{
    (void)state;
    static int one = 1, ten = 10;
    td_doc *doc = th_doc("a", "x");
    assert_null(td_doc_attached(doc, "k"));
    assert_int_equal(td_doc_attach(doc, "k", &one, count_free), 0);
    assert_ptr_equal(td_doc_attached(doc, "k"), &one);
    assert_int_equal(td_doc_attach(doc, "k", &ten, count_free), 0);
    assert_int_equal(freed, 1);
    assert_ptr_equal(td_doc_attached(doc, "k"), &ten);
    assert_int_equal(td_doc_attach(doc, "other", &one, NULL), 0);
    td_doc_free(doc);
    assert_int_equal(freed, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_turns_at_marks),
        cmocka_unit_test(captions_join_and_headings_break),
        cmocka_unit_test(unpunctuated_text_in_windows),
        cmocka_unit_test(analysis_is_shared_until_segments_change),
        cmocka_unit_test(remembered_stems_give_the_same_terms),
        cmocka_unit_test(attach_replaces_and_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
