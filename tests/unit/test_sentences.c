/* The sentences cleaner: caption lines become sentences or units. */
#include "harness.h"
#include "paragraphs.h"

#include <ctype.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

typedef struct expect {
    const char *text;
    td_ms start, end;
} expect;

static void check(const td_doc *doc, const expect *e, size_t n)
{
    assert_int_equal(td_doc_segment_count(doc), n);
    for (size_t i = 0; i < n; i++) {
        td_segment *s = td_doc_segment(doc, i);
        assert_string_equal(td_segment_text(s, NULL), e[i].text);
        assert_int_equal(td_segment_start(s), e[i].start);
        assert_int_equal(td_segment_end(s), e[i].end);
    }
}

static td_doc *fixture(const char *rel)
{
    size_t len;
    char *text = th_fixture(rel, &len);
    td_doc *doc = tp_caption_doc(rel, text, len);
    free(text);
    return doc;
}

static void punctuated_split_at_sentence_ends(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = fixture("sentences/punctuated.txt");
    assert_int_equal(td_doc_segment_count(doc), 7);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    const expect want[] = {
        { "Hi everyone, welcome to the kitchen.", 0, 3000 },
        { "Today we bake bread.", 0, 6000 },
        { "It takes time, so be patient.", 3000, 9000 },
        { "Dr. Lee will help us.", 6000, 9000 },
        { "Very often it is the flour that matters okay.", 9000, TD_TIME_UNKNOWN },
    };
    check(doc, want, 5);
    assert_int_equal(tp_change(doc, "sentences", "sentences"), 5);
    assert_int_equal(tp_change(doc, "sentences", "units"), -1);
    assert_int_equal(tp_change(doc, "sentences", "lines"), 7);
    assert_int_equal(tp_change(doc, "sentences", "duplicates"), 1);
    assert_int_equal(tp_change(doc, "sentences", "periods"), 1);
    assert_int_equal(tp_change(doc, "sentences", "capitals"), 1);
    assert_string_equal(td_doc_title(doc), "Making Bread");
    td_doc_free(doc);
}

static void lowercase_cut_at_pauses(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = fixture("sentences/lowercase.txt");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    const expect want[] = {
        { "Hello everyone welcome to our kitchen this is a show about bread and "
          "I think you will like it.", 0, 9000 },
        /* "i'm going to" said once; the repeated line is merged */
        { "So today we bake a loaf of rye bread with seeds I'm going to show you "
          "every step.", 9000, 18000 },
        { "Um first you take the flour and the water and you mix them then you "
          "wait.", 18000, 26000 },
        { "And you knead it.", 26000, TD_TIME_UNKNOWN },
    };
    check(doc, want, 4);
    assert_int_equal(tp_change(doc, "sentences", "units"), 4);
    assert_int_equal(tp_change(doc, "sentences", "lines"), 11);
    assert_int_equal(tp_change(doc, "sentences", "duplicates"), 1);
    assert_int_equal(tp_change(doc, "sentences", "overlaps"), 1);
    assert_int_equal(tp_change(doc, "sentences", "periods"), 4);
    assert_int_equal(tp_change(doc, "sentences", "capitals"), 6);
    td_doc_free(doc);
}

static void max_words_cuts_long_runs(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = fixture("sentences/lowercase.txt");
    const char *opts[] = { "max_words", "10", "min_words", "3", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const char *t = th_seg_text(doc, i);
        assert_true(td_text_word_count(t, strlen(t)) <= 10);
    }
    assert_true(td_doc_segment_count(doc) >= 6);
    td_doc_free(doc);
}

/* Turns and chats have speakers and are left as they are. */
static void leaves_turns_alone(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("t.txt", "x");
    td_doc_set_format(doc, "turns");
    int a = td_doc_speaker(doc, "A", 1);
    for (int i = 0; i < 30; i++)
        td_doc_add_segment(doc, i * 1000, TD_TIME_UNKNOWN, a, TD_SEG_SPEECH,
                           "short line here", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 30);
    assert_string_equal(th_seg_text(doc, 0), "short line here");
    assert_int_equal(tp_change(doc, "sentences", "lines"), -1);
    td_doc_free(doc);
}

/* Another format with no speakers and many short timed lines: captions too. */
static void events_stay_between_units(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("s.srt", "x");
    td_doc_set_format(doc, "srt");
    for (int i = 0; i < 24; i++) {
        if (i == 12) {
            td_doc_add_segment(doc, 36000, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                               TD_SEG_EVENT, "music", TD_NTS);
            td_segment_set_label(doc, td_doc_segment(doc, td_doc_segment_count(doc) - 1),
                                 "music");
        }
        char line[64];
        snprintf(line, sizeof(line), "we keep talking %d", i);
        td_doc_add_segment(doc, i * 3000, (i + 1) * 3000, TD_NO_SPEAKER,
                           TD_SEG_SPEECH, line, TD_NTS);
    }
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    size_t events = 0, before = 0;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) == TD_SEG_EVENT) {
            events++;
            assert_string_equal(td_segment_label(s), "music");
            /* Units before it hold the first 12 lines' words only. */
            assert_int_equal(td_segment_start(td_doc_segment(doc, i + 1)), 36000);
        } else if (events == 0) {
            before += td_text_word_count(th_seg_text(doc, i), strlen(th_seg_text(doc, i)));
        }
    }
    assert_int_equal(events, 1);
    assert_int_equal(before, 12 * 4);
    td_doc_free(doc);
}

/*
 * Caption lines as a cleaner before normalize may leave them: spaces
 * doubled, leading and trailing, and lines longer than the 64 bytes the
 * words are found in at a time.  The units are the words joined by one
 * space, as with tidy lines.
 */
static td_doc *spacing_doc(bool tidy)
{
    static const char *const lines[][2] = {
        { "  so  i   think we should ", "so i think we should" },
        { "start  the  oven", "start the oven" },
        { "and so then the whole team went to the office early in the morning to ch"
          "eck  the   bread  ", "and so then the whole team went to the office early in the "
          "morning to check the bread" },
        { "i'm done", "i'm done" },
    };
    td_doc *doc = th_doc("spacing", "x");
    td_doc_set_format(doc, "captions");
    for (size_t i = 0; i < 4; i++)
        td_doc_add_segment(doc, (td_ms)i * 3000, (td_ms)(i + 1) * 3000, TD_NO_SPEAKER,
                           TD_SEG_SPEECH, lines[i][tidy], TD_NTS);
    return doc;
}

static void words_found_whatever_the_spacing(void **state)
{
    (void)state;
    td_error err;
    td_doc *messy = spacing_doc(false), *tidy = spacing_doc(true);
    assert_int_equal(th_run(td_plugin_entry(), messy, NULL, &err), 0);
    assert_int_equal(th_run(td_plugin_entry(), tidy, NULL, &err), 0);
    const expect want[] = {
        { "So I think we should.", 0, 3000 },
        { "Start the oven and so then the whole team went to the office early in the "
          "morning to check the bread I'm done.", 3000, 12000 },
    };
    check(messy, want, 2);
    check(tidy, want, 2);
    assert_int_equal(tp_change(messy, "sentences", "capitals"), 4);
    td_doc_free(messy);
    td_doc_free(tidy);
}

/* Every unit of a seed reads as a sentence: capital, end mark, no repeats. */
static void check_seed(const char *prefix, const char *mode, const char *first)
{
    size_t len;
    td_error err;
    char *text = th_seed(prefix, &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_caption_doc(prefix, text, len);
    size_t lines = td_doc_segment_count(doc);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    size_t n = td_doc_segment_count(doc);
    assert_true(n > 50 && n < lines / 2);
    assert_true(tp_change(doc, "sentences", mode) == (long)n);
    assert_string_equal(th_seg_text(doc, 0), first);
    for (size_t i = 0; i < n; i++) {
        const char *t = th_seg_text(doc, i);
        size_t tl = strlen(t);
        if (getenv("TD_DUMP"))
            print_message("%s\n", t);
        assert_false(islower((unsigned char)t[0]));
        while (tl > 1 && (t[tl - 1] == '"' || t[tl - 1] == ')'))
            tl--;                                   /* It's 3D images." */
        assert_non_null(strchr(".?!", t[tl - 1]));
        assert_null(strstr(t, " i "));
        assert_null(strstr(t, " i'm "));
        assert_true(td_segment_start(td_doc_segment(doc, i)) >= 0);
        if (i > 0) {
            /* "Yes. Yes." is speech; a repeated longer sentence is a caption echo. */
            if (td_text_word_count(t, tl) >= 4)
                assert_string_not_equal(t, th_seg_text(doc, i - 1));
            assert_true(td_segment_start(td_doc_segment(doc, i)) >=
                        td_segment_start(td_doc_segment(doc, i - 1)));
        }
    }
    td_doc_free(doc);
    free(text);
}

static void seed_002_units(void **state)
{
    (void)state;
    check_seed("002", "units", "Hello everyone welcome to our event this event is brought "
               "to you by data talks club which is a community of people who love data "
               "we have weekly events.");
}

static void seed_003_sentences(void **state)
{
    (void)state;
    check_seed("003", "sentences", "Hi everyone, welcome to our event.");
}

static void seed_004_units(void **state)
{
    (void)state;
    check_seed("004", "units", "Um hello everyone thanks for joining our event today "
               "this event is brought to you by data talks club which is a community of "
               "people who love data.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(punctuated_split_at_sentence_ends),
        cmocka_unit_test(lowercase_cut_at_pauses),
        cmocka_unit_test(max_words_cuts_long_runs),
        cmocka_unit_test(leaves_turns_alone),
        cmocka_unit_test(events_stay_between_units),
        cmocka_unit_test(words_found_whatever_the_spacing),
        cmocka_unit_test(seed_002_units),
        cmocka_unit_test(seed_003_sentences),
        cmocka_unit_test(seed_004_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
