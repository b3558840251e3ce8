/* The boilerplate cleaner: page furniture dropped, speech never. */
#include "harness.h"
#include "paragraphs.h"

#include "internal.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static td_doc *page_doc(void)
{
    size_t len;
    char *text = th_fixture("boilerplate/page.txt", &len);
    td_doc *doc = tp_doc("page.txt", text, len);
    free(text);
    return doc;
}

static size_t count_speech_with_speaker(const td_doc *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++)
        n += td_segment_speaker(td_doc_segment(doc, i)) != TD_NO_SPEAKER;
    return n;
}

static void drops_furniture_keeps_speech(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = page_doc();
    assert_int_equal(td_doc_segment_count(doc), 13);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(tp_change(doc, "boilerplate", "dropped"), 7);
    assert_int_equal(td_doc_segment_count(doc), 6);
    assert_string_equal(th_seg_text(doc, 0), "Episode 12: Building Birdhouses with Kim Lee");
    /* Turns that mention a newsletter or cookies, or say "Register here!". */
    assert_string_equal(th_seg_text(doc, 1), "Welcome to the show. Subscribe to our "
                        "weekly newsletter, I always say, it's free.");
    assert_string_equal(th_seg_text(doc, 2), "Thanks. We use cookies in the workshop, "
                        "actually, for the kids.");
    assert_string_equal(th_seg_text(doc, 3), "Kim's background");
    assert_string_equal(th_seg_text(doc, 4), "Register here!");
    assert_string_equal(th_seg_text(doc, 5), "That's what the sign said.");
    td_doc_free(doc);
}

static void extra_patterns_add_to_shipped(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = page_doc();
    const char *opts[] = { "extra_patterns",
                           TD_SOURCE_DIR "/tests/fixtures/boilerplate/extra.patterns",
                           NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_int_equal(tp_change(doc, "boilerplate", "dropped"), 8);
    assert_string_equal(th_seg_text(doc, 0), "Welcome to the show. Subscribe to our "
                        "weekly newsletter, I always say, it's free.");
    td_doc_free(doc);
}

static void bad_pattern_names_file_and_line(void **state)
{
    (void)state;
    td_error err = { "" };
    void *st = NULL;
    td_options *o = td__options_new(td_plugin_entry()->options, TD_SOURCE_DIR,
                                    TD_SOURCE_DIR);
    assert_int_equal(td__options_set(o, "patterns", "tests/fixtures/boilerplate/bad.patterns",
                                     NULL, 0), 0);
    assert_int_equal(td_plugin_entry()->init(&st, o, &err), -1);
    assert_non_null(strstr(err.message, "bad.patterns:3: bad pattern"));
    assert_int_equal(td__options_set(o, "patterns", "no/such/file", NULL, 0), 0);
    td__options_free(o);
    o = td__options_new(td_plugin_entry()->options, TD_SOURCE_DIR, TD_SOURCE_DIR);
    assert_int_equal(td__options_set(o, "patterns", "no/such/file", NULL, 0), 0);
    assert_int_equal(td_plugin_entry()->init(&st, o, &err), -1);
    assert_non_null(strstr(err.message, "cannot read"));
    td__options_free(o);
}

/* Caption lines have times: speech, even when it sounds like a footer. */
static void timed_lines_are_speech(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("c.txt", "x");
    td_doc_add_segment(doc, 1000, 3000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "subscribe to our weekly newsletter", TD_NTS);
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_HEADING, "Transcript", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 1);
    assert_string_equal(th_seg_text(doc, 0), "subscribe to our weekly newsletter");
    td_doc_free(doc);
}

/* A long paragraph is prose, even when a pattern would match it. */
static void long_segments_are_prose(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("l.txt", "x");
    char text[400];
    memset(text, 'a', sizeof(text));
    memcpy(text, "we use cookies ", 15);
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_SPEECH, text, sizeof(text));
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 1);
    const char *opts[] = { "max_length", "1000", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 0);
    td_doc_free(doc);
}

/* Seed 000, a podcast page: its seven lines of furniture, no turn. */
static void seed_000_furniture(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_doc("000.txt", text, len);
    size_t turns = count_speech_with_speaker(doc);
    size_t before = td_doc_segment_count(doc);
    assert_int_equal(turns, 166);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(tp_change(doc, "boilerplate", "dropped"), 7);
    assert_int_equal(td_doc_segment_count(doc), before - 7);
    assert_int_equal(count_speech_with_speaker(doc), turns);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const char *s = th_seg_text(doc, i);
        assert_null(strstr(s, "Register here"));
        assert_null(strstr(s, "Did you like this episode"));
        assert_null(strstr(s, "We use cookies"));
        assert_string_not_equal(s, "Transcript");
    }
    assert_string_equal(th_seg_text(doc, 0), "Make an Impact Through Volunteering "
                        "Open Source Work");
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drops_furniture_keeps_speech),
        cmocka_unit_test(extra_patterns_add_to_shipped),
        cmocka_unit_test(bad_pattern_names_file_and_line),
        cmocka_unit_test(timed_lines_are_speech),
        cmocka_unit_test(long_segments_are_prose),
        cmocka_unit_test(seed_000_furniture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
