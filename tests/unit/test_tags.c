/* The tags cleaner: annotations become events, guesses stay as words. */
#include "harness.h"
#include "paragraphs.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

typedef struct expect {
    td_seg_kind kind;
    const char *text;
    const char *label;      /* events */
    const char *speaker;    /* NULL: none */
    td_ms start;
} expect;

static void check(const td_doc *doc, const expect *e, size_t n)
{
    assert_int_equal(td_doc_segment_count(doc), n);
    for (size_t i = 0; i < n; i++) {
        td_segment *s = td_doc_segment(doc, i);
        assert_int_equal(td_segment_kind(s), e[i].kind);
        assert_string_equal(td_segment_text(s, NULL), e[i].text);
        assert_int_equal(td_segment_start(s), e[i].start);
        if (e[i].kind == TD_SEG_EVENT) {
            assert_string_equal(td_segment_label(s), e[i].label);
            assert_int_equal(td_segment_end(s), TD_TIME_UNKNOWN);
        }
        int sp = td_segment_speaker(s);
        if (e[i].speaker == NULL && e[i].kind == TD_SEG_EVENT)
            assert_int_equal(sp, TD_NO_SPEAKER);
        else if (e[i].speaker != NULL)
            assert_string_equal(td_doc_speaker_id(doc, sp), e[i].speaker);
    }
}

static void fixture_events_and_words(void **state)
{
    (void)state;
    td_error err;
    size_t len;
    char *text = th_fixture("tags/interview.txt", &len);
    td_doc *doc = tp_doc("i.txt", text, len);
    free(text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);

    const td_seg_kind S = TD_SEG_SPEECH, E = TD_SEG_EVENT;
    const expect want[] = {
        { S, "Welcome back. So, today we talk about birdhouses.", NULL, "Host", 5000 },
        { E, "chuckles", "laughter", NULL, 5000 },
        { E, "laughs", "laughter", NULL, 12000 },
        { S, "Thanks for having me.", NULL, "Kim", 12000 },
        { S, "You built your first one at nine and never stopped?", NULL, "Host", 20000 },
        { E, "Kim agrees", "backchannel", "Kim", 20000 },
        { E, "Kim agrees", "backchannel", "Kim", 20000 },
        { E, "Kim laughs", "laughter", "Kim", 31000 },
        { S, "Yes. I used a jigsaw and some pine boards, and the glue was, so it "
             "fell apart.", NULL, "Kim", 31000 },
        { E, "inaudible", "inaudible", NULL, 31000 },
        { S, "That's...", NULL, "Host", 45000 },
        { E, "cross-talk", "cross-talk", NULL, 45000 },
        { E, "music playing", "music", NULL, 50000 },
        { S, "And then the crowd, (in 2019) at the fair, clapped.", NULL, "Kim", 50000 },
        { E, "applause", "applause", NULL, 50000 },
        { E, "shows a photo of the birdhouse", "note", NULL, 50000 },
        { S, "See [the guide](https://example.com/guide) and [1] and [?] [sic].",
          NULL, "Host", 62000 },
        { E, "chuckles", "laughter", NULL, 70000 },
        { E, "Audience laughs", "laughter", NULL, 75000 },
    };
    check(doc, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(td_doc_speaker_count(doc), 2);     /* no "Audience" */

    assert_int_equal(tp_change(doc, "tags", "laughter"), 5);
    assert_int_equal(tp_change(doc, "tags", "backchannel"), 2);
    assert_int_equal(tp_change(doc, "tags", "inaudible"), 1);
    assert_int_equal(tp_change(doc, "tags", "cross-talk"), 1);
    assert_int_equal(tp_change(doc, "tags", "music"), 1);
    assert_int_equal(tp_change(doc, "tags", "applause"), 1);
    assert_int_equal(tp_change(doc, "tags", "note"), 1);
    assert_int_equal(tp_change(doc, "tags", "uncertain"), 2);
    assert_int_equal(tp_change(doc, "tags", "noise"), -1);

    json_t *u = json_object_get(td_doc_meta(doc), "uncertain");
    assert_int_equal(json_array_size(u), 2);
    json_t *first = json_array_get(u, 0), *second = json_array_get(u, 1);
    assert_string_equal(json_string_value(json_object_get(first, "word")), "jigsaw");
    assert_string_equal(json_string_value(json_object_get(first, "speaker")), "Kim");
    assert_true(json_real_value(json_object_get(first, "start")) == 31.0);
    assert_string_equal(json_string_value(json_object_get(second, "word")), "pine boards");
    td_doc_free(doc);
}

static void parentheses_can_be_left(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("p.txt", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "Great (applause) and more.", TD_NTS);
    const char *opts[] = { "parentheses", "no", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 1);
    assert_string_equal(th_seg_text(doc, 0), "Great (applause) and more.");
    assert_int_equal(tp_change(doc, "tags", "applause"), -1);
    td_doc_free(doc);
}

/* A guessed word and prose in parentheses, no event: segments stay put. */
static void guesses_only_in_place(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("g.txt", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "a huge [cache] of images", TD_NTS);
    td_doc_add_segment(doc, 1000, 2000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "see the guide (in 2019)", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 0), "a huge cache of images");
    assert_string_equal(th_seg_text(doc, 1), "see the guide (in 2019)");
    assert_int_equal(tp_change(doc, "tags", "uncertain"), 1);
    assert_int_equal(json_array_size(json_object_get(td_doc_meta(doc), "uncertain")), 1);
    td_doc_free(doc);
}

static void no_annotations_no_change(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("n.txt", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "plain words", TD_NTS);
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_HEADING, "A heading", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 1), "A heading");
    assert_int_equal(td_segment_kind(td_doc_segment(doc, 1)), TD_SEG_HEADING);
    assert_null(json_object_get(td_doc_meta(doc), "uncertain"));
    td_doc_free(doc);
}

/*
 * Seed 000, a podcast page: 33 [chuckles], 13 [Sara agrees], 5
 * [cross-talk], 3 [inaudible], two guessed words and one stage note.
 */
static void seed_000_annotations(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_doc("000.txt", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(tp_change(doc, "tags", "laughter"), 33);
    assert_int_equal(tp_change(doc, "tags", "backchannel"), 13);
    assert_int_equal(tp_change(doc, "tags", "cross-talk"), 5);
    assert_int_equal(tp_change(doc, "tags", "inaudible"), 3);
    assert_int_equal(tp_change(doc, "tags", "uncertain"), 2);
    assert_int_equal(tp_change(doc, "tags", "note"), 1);
    assert_int_equal(th_count_kind(doc, TD_SEG_EVENT), 33 + 13 + 5 + 3 + 1);

    int sara = -1;
    for (size_t i = 0; i < td_doc_speaker_count(doc); i++)
        if (strcmp(td_doc_speaker_id(doc, (int)i), "Sara") == 0)
            sara = (int)i;
    assert_true(sara >= 0);
    assert_int_equal(td_doc_speaker_count(doc), 2);
    bool cache = false;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *s = td_doc_segment(doc, i);
        const char *t = td_segment_text(s, NULL);
        if (td_segment_kind(s) == TD_SEG_SPEECH) {
            assert_null(strchr(t, '['));
            assert_null(strstr(t, "chuckles"));
            assert_null(strstr(t, "  "));
            assert_null(strstr(t, " ,"));
            assert_null(strstr(t, " ."));
            assert_true(t[0] != ' ' && t[0] != ',');
            cache |= strstr(t, "there's a huge cache of Google") != NULL;
        } else if (strcmp(td_segment_label(s), "backchannel") == 0) {
            assert_int_equal(td_segment_speaker(s), sara);
            assert_true(td_segment_start(s) >= 0);
        }
    }
    assert_true(cache);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_events_and_words),
        cmocka_unit_test(parentheses_can_be_left),
        cmocka_unit_test(guesses_only_in_place),
        cmocka_unit_test(no_annotations_no_change),
        cmocka_unit_test(seed_000_annotations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
