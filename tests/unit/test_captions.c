/* The captions parser: probe scores and segments of caption dumps. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    size_t len;
    char *titled = th_fixture("captions/titled.txt", &len);
    assert_true(th_probe(p, "t.txt", titled) >= 80);
    free(titled);
    assert_int_equal(th_probe(p, "x.txt", "Just some prose.\nNo times at all.\n"), 0);
    /* SubRip cues start with times too, but are not caption dumps. */
    assert_int_equal(th_probe(p, "x.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n"
                                          "2\n00:00:03,000 --> 00:00:04,000\nYo\n"), 0);
}

static void title_and_segments(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("captions/titled.txt", NULL);
    td_doc *doc = th_doc("t.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Building a Birdhouse");
    assert_int_equal(td_doc_segment_count(doc), 5);
    td_segment *s = td_doc_segment(doc, 1);
    assert_string_equal(th_seg_text(doc, 1), "build a small birdhouse out of");
    assert_int_equal(td_segment_start(s), 3000);
    assert_int_equal(td_segment_end(s), 5000);      /* where the next begins */
    s = td_doc_segment(doc, 4);
    assert_int_equal(td_segment_start(s), 62000);
    assert_int_equal(td_segment_end(s), TD_TIME_UNKNOWN);
    assert_string_equal(th_seg_text(doc, 4), "then drill the entrance hole");
    td_doc_free(doc);
    free(text);
}

static void hours_and_continuations(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("captions/hours.txt", NULL);
    td_doc *doc = th_doc("h.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_segment_count(doc), 4);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 3598000);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 1)), 3601000);
    assert_string_equal(th_seg_text(doc, 2),
                        "with a continuation line that has no stamp");
    td_doc_free(doc);
    free(text);
}

static void events_and_repeated_stamps(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("captions/events.txt", NULL);
    td_doc *doc = th_doc("e.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Pottery Wheel Basics");
    assert_int_equal(td_doc_segment_count(doc), 10);
    assert_int_equal(th_count_kind(doc, TD_SEG_EVENT), 3);

    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_kind(s), TD_SEG_EVENT);
    assert_string_equal(td_segment_label(s), "music");
    assert_string_equal(th_seg_text(doc, 0), "Music");
    assert_int_equal(td_segment_start(s), 0);
    assert_int_equal(td_segment_end(s), 4000);

    /* Two captions on one stamp share the span up to the next stamp. */
    for (size_t i = 3; i <= 4; i++) {
        s = td_doc_segment(doc, i);
        assert_int_equal(td_segment_start(s), 9000);
        assert_int_equal(td_segment_end(s), 615000);
    }
    assert_string_equal(th_seg_text(doc, 4), "keep your elbows braced");
    /* An unstamped mark belongs to the stamp before it. */
    s = td_doc_segment(doc, 5);
    assert_string_equal(td_segment_label(s), "applause");
    assert_int_equal(td_segment_start(s), 9000);
    /* A mark inside speech stays speech. */
    assert_int_equal(td_segment_kind(td_doc_segment(doc, 7)), TD_SEG_SPEECH);
    assert_string_equal(th_seg_text(doc, 7), "(laughs) not bad");
    s = td_doc_segment(doc, 8);
    assert_string_equal(td_segment_label(s), "laughter");
    assert_string_equal(th_seg_text(doc, 8), "Laughter");
    assert_int_equal(td_segment_end(s), 3599000);
    s = td_doc_segment(doc, 9);
    assert_int_equal(td_segment_start(s), 3599000);
    assert_int_equal(td_segment_end(s), TD_TIME_UNKNOWN);
    assert_string_equal(th_seg_text(doc, 9), "see you next week");
    td_doc_free(doc);
    free(text);
}

static void stamps_on_their_own_lines(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("captions/stamp_lines.txt", NULL);
    assert_true(th_probe(td_plugin_entry(), "s.txt", text) >= 60);
    td_doc *doc = th_doc("s.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_null(td_doc_title(doc));
    assert_int_equal(td_doc_segment_count(doc), 4);
    assert_string_equal(th_seg_text(doc, 0), "so the first thing we do");
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 72000);
    assert_int_equal(td_segment_kind(td_doc_segment(doc, 2)), TD_SEG_EVENT);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 3)), 80000);
    assert_string_equal(th_seg_text(doc, 3), "then the brakes");
    td_doc_free(doc);
    free(text);
}

static void time_going_back_leaves_end_unknown(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("b.txt", "0:10 ten\n0:05 five\n0:20 twenty\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_segment_end(td_doc_segment(doc, 0)), TD_TIME_UNKNOWN);
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 20000);
    td_doc_free(doc);
}

static void seed_002_music_events(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("002", &len);
    if (text == NULL)
        skip();
    td_doc *doc = th_doc_bytes("002.txt", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_null(td_doc_title(doc));
    assert_int_equal(th_count_kind(doc, TD_SEG_EVENT), 2);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *s = td_doc_segment(doc, i);
        assert_true(td_segment_end(s) == TD_TIME_UNKNOWN ||
                    td_segment_end(s) > td_segment_start(s));
    }
    td_doc_free(doc);
    free(text);
}

static void seed_003_has_its_title(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("003", &len);
    if (text == NULL)
        skip();
    td_doc *doc = th_doc_bytes("003.txt", text, len);
    assert_true(th_probe(td_plugin_entry(), "003.txt", text) >= 80);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Data-Centric AI");
    assert_true(td_doc_segment_count(doc) > 1000);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 0)), 0);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores), cmocka_unit_test(title_and_segments),
        cmocka_unit_test(hours_and_continuations),
        cmocka_unit_test(events_and_repeated_stamps),
        cmocka_unit_test(stamps_on_their_own_lines),
        cmocka_unit_test(time_going_back_leaves_end_unknown),
        cmocka_unit_test(seed_002_music_events),
        cmocka_unit_test(seed_003_has_its_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
