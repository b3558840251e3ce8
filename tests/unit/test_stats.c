/* The stats summarizer: duration, words, turns, speakers, events. */
#include "harness.h"
#include "turns_doc.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void figures(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, 0, 30000, -1, TD_SEG_SPEECH, "one two three", TD_NTS);
    td_doc_add_segment(doc, 30000, TD_TIME_UNKNOWN, -1, TD_SEG_EVENT, "[laughs]", TD_NTS);
    td_doc_add_segment(doc, 60000, 120000, -1, TD_SEG_SPEECH, "four five", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_float_equal(json_real_value(json_object_get(st, "duration")), 120.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(st, "words")), 5);
    assert_int_equal(json_integer_value(json_object_get(st, "segments")), 2);
    assert_float_equal(json_real_value(json_object_get(st, "words_per_minute")), 2.5, 1e-9);
    td_doc_free(doc);
}

static void no_times(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    td_doc_add_segment(doc, -1, -1, -1, TD_SEG_SPEECH, "chat line", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_true(json_is_null(json_object_get(st, "duration")));
    assert_true(json_is_null(json_object_get(st, "words_per_minute")));
    td_doc_free(doc);
}

static json_t *speaker_stats(json_t *st, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(st, "speakers"), i, s)
        if (json_is_string(json_object_get(s, "name")) &&
            strcmp(json_string_value(json_object_get(s, "name")), name) == 0)
            return s;
    fail_msg("no speaker %s", name);
    return NULL;
}

static double shares_total(json_t *st)
{
    double total = 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(st, "speakers"), i, s)
        total += json_real_value(json_object_get(s, "share"));
    return total;
}

/* Three speakers with a third each: 33.4 + 33.3 + 33.3, not 99.9. */
static void speakers_turns_and_shares(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    int a = td_doc_speaker(doc, "A", 1), b = td_doc_speaker(doc, "B", 1),
        c = td_doc_speaker(doc, "C", 1);
    td_doc_add_segment(doc, 0, 10000, a, TD_SEG_SPEECH, "How are you all today?", TD_NTS);
    td_doc_add_segment(doc, 10000, 20000, a, TD_SEG_SPEECH, "Fine weather.", TD_NTS);
    td_doc_add_segment(doc, 20000, 25000, -1, TD_SEG_EVENT, "[laughter]", TD_NTS);
    td_segment_set_label(doc, td_doc_segment(doc, 2), "laughter");
    td_doc_add_segment(doc, 20000, 40000, b, TD_SEG_SPEECH, "Good, thanks. And you?", TD_NTS);
    td_doc_add_segment(doc, 40000, 50000, c, TD_SEG_SPEECH, "Right?", TD_NTS);
    td_doc_add_segment(doc, 50000, 60000, c, TD_SEG_SPEECH, "Where is the music from?", TD_NTS);
    td_doc_add_segment(doc, 60000, 61000, -1, TD_SEG_EVENT, "[music]", TD_NTS);
    td_segment_set_label(doc, td_doc_segment(doc, 6), "music");
    td_doc_add_segment(doc, 61000, 62000, -1, TD_SEG_EVENT, "[laughs]", TD_NTS);
    td_segment_set_label(doc, td_doc_segment(doc, 7), "laughter");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_int_equal(json_integer_value(json_object_get(st, "turns")), 3);
    assert_int_equal(json_integer_value(json_object_get(st, "segments")), 5);
    /* "And you?" and "Right?" are too short to count. */
    assert_int_equal(json_integer_value(json_object_get(st, "questions")), 2);
    assert_string_equal(json_string_value(json_object_get(st, "share_of")), "talk_time");
    json_t *sa = speaker_stats(st, "A"), *sb = speaker_stats(st, "B"),
           *sc = speaker_stats(st, "C");
    assert_float_equal(json_real_value(json_object_get(sa, "talk_time")), 20.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(sa, "words")), 7);
    assert_int_equal(json_integer_value(json_object_get(sa, "turns")), 1);
    assert_int_equal(json_integer_value(json_object_get(sa, "questions")), 1);
    assert_float_equal(json_real_value(json_object_get(sa, "words_per_minute")), 21.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(sb, "questions")), 0);
    assert_int_equal(json_integer_value(json_object_get(sc, "questions")), 1);
    assert_float_equal(json_real_value(json_object_get(sa, "share")), 33.4, 1e-9);
    assert_float_equal(json_real_value(json_object_get(sb, "share")), 33.3, 1e-9);
    assert_float_equal(json_real_value(json_object_get(sc, "share")), 33.3, 1e-9);
    assert_float_equal(shares_total(st), 100.0, 1e-9);
    json_t *ev = json_object_get(st, "events");
    assert_int_equal(json_integer_value(json_object_get(ev, "laughter")), 2);
    assert_int_equal(json_integer_value(json_object_get(ev, "music")), 1);
    td_doc_free(doc);
}

/* Turns with start times only: each lasts until the next one starts. */
static void fixture_podcast(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_int_equal(json_integer_value(json_object_get(st, "turns")), 26);
    json_t *maria = speaker_stats(st, "Maria"), *tom = speaker_stats(st, "Tom");
    assert_int_equal(json_integer_value(json_object_get(maria, "turns")), 13);
    assert_int_equal(json_integer_value(json_object_get(maria, "questions")), 12);
    assert_int_equal(json_integer_value(json_object_get(tom, "questions")), 0);
    /* Maria's turns: 0:00-0:40, 0:55-1:10, 2:30-2:45, ... 16:30-16:40. */
    assert_float_equal(json_real_value(json_object_get(maria, "talk_time")), 185.0, 1e-9);
    assert_float_equal(shares_total(st), 100.0, 1e-9);
    td_doc_free(doc);
    free(text);
}

/* In a chat, every turn of a participant is a question. */
static void chat_participants_ask(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("a", "x");
    td_doc_set_format(doc, "chat-md");
    int s = td_doc_speaker(doc, "S", 1), p1 = td_doc_speaker(doc, "P1", 2);
    td_doc_add_segment(doc, -1, -1, p1, TD_SEG_SPEECH,
                       "*Tell us about your first project. It interests me.*", TD_NTS);
    td_doc_add_segment(doc, -1, -1, s, TD_SEG_SPEECH,
                       "It was a small classifier of bird songs that I trained at night.", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_int_equal(json_integer_value(json_object_get(st, "questions")), 1);
    assert_int_equal(json_integer_value(json_object_get(speaker_stats(st, "P1"), "questions")), 1);
    assert_string_equal(json_string_value(json_object_get(st, "share_of")), "words");
    assert_float_equal(shares_total(st), 100.0, 1e-9);
    td_doc_free(doc);
}

static void seed_000_shares(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = turns_doc("000.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *st = td_doc_stats(doc);
    assert_int_equal(json_array_size(json_object_get(st, "speakers")), 2);
    double sara = json_real_value(json_object_get(speaker_stats(st, "Sara"), "share"));
    double alexey = json_real_value(json_object_get(speaker_stats(st, "Alexey"), "share"));
    /* The guest talks most of the hour. */
    assert_true(sara > 60 && alexey > 10);
    assert_float_equal(sara + alexey, 100.0, 1e-9);
    assert_true(json_integer_value(json_object_get(speaker_stats(st, "Alexey"), "questions")) > 30);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(figures), cmocka_unit_test(no_times),
        cmocka_unit_test(speakers_turns_and_shares), cmocka_unit_test(fixture_podcast),
        cmocka_unit_test(chat_participants_ask), cmocka_unit_test(seed_000_shares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
