/* The turns parser: podcast pages of "Name: text (h:mm:ss)" turns. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static json_int_t meta_int(td_doc *doc, const char *key)
{
    json_t *v = json_object_get(td_doc_meta(doc), key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static const char *meta_str(td_doc *doc, const char *key)
{
    json_t *v = json_object_get(td_doc_meta(doc), key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    char *text = th_fixture("turns/episode.txt", NULL);
    assert_int_equal(th_probe(p, "e.txt", text), 85);
    free(text);
    text = th_fixture("captions/titled.txt", NULL);
    assert_int_equal(th_probe(p, "c.txt", text), 0);
    free(text);
    /* Stamps at line ends but no speaker anywhere: not turns. */
    assert_int_equal(th_probe(p, "x.txt", "one (0:01)\ntwo (0:02)\nthree (0:03)\n"), 0);
    /* Two stamped lines in prose: not enough to claim the file. */
    assert_int_equal(th_probe(p, "x.txt", "Minutes\n\nAnn: opened (0:01)\n\n"
                                          "Lots of prose.\n\nBo: closed (0:09)\n"), 0);
}

static void episode_page(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("turns/episode.txt", NULL);
    td_doc *doc = th_doc("episode.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Growing Tomatoes in Small Spaces");
    assert_int_equal(meta_int(doc, "season"), 3);
    assert_int_equal(meta_int(doc, "episode"), 12);
    assert_string_equal(meta_str(doc, "series"), "Garden Shed podcast");
    json_t *guests = json_object_get(td_doc_meta(doc), "guests");
    assert_int_equal(json_array_size(guests), 2);
    assert_string_equal(json_string_value(json_array_get(guests, 0)), "Priya Nair");
    assert_string_equal(json_string_value(json_array_get(guests, 1)), "Tom O'Brien");
    assert_int_equal(meta_int(doc, "turns"), 9);
    assert_int_equal(meta_int(doc, "paragraphs"), 12);

    assert_int_equal(td_doc_speaker_count(doc), 3);
    assert_string_equal(td_doc_speaker_id(doc, 0), "Maria");
    assert_string_equal(td_doc_speaker_id(doc, 1), "Priya");
    assert_string_equal(td_doc_speaker_id(doc, 2), "Tom");
    assert_int_equal(td_doc_segment_count(doc), 11);
    assert_int_equal(th_count_kind(doc, TD_SEG_SPEECH), 9);
    assert_int_equal(th_count_kind(doc, TD_SEG_HEADING), 2);

    /* Two paragraphs of one speaker sharing a stamp: one turn. */
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 0);
    assert_int_equal(td_segment_end(s), 41000);
    assert_int_equal(td_segment_speaker(s), 0);
    assert_string_equal(th_seg_text(doc, 0),
                        "Welcome to the Garden Shed. Today we have two guests.\n\n"
                        "Priya grows tomatoes on a balcony, and Tom runs a community garden.");
    /* The heading sits before the turn it opens, at that turn's start. */
    s = td_doc_segment(doc, 2);
    assert_int_equal(td_segment_kind(s), TD_SEG_HEADING);
    assert_string_equal(th_seg_text(doc, 2), "Choosing a variety");
    assert_int_equal(td_segment_start(s), 65000);
    assert_int_equal(td_doc_chapter_count(doc), 2);
    assert_string_equal(td_doc_chapter_title(doc, 0), "Choosing a variety");
    assert_int_equal(td_doc_chapter_start(doc, 0), 65000);
    assert_string_equal(td_doc_chapter_title(doc, 1), "Watering and feeding");
    assert_int_equal(td_doc_chapter_start(doc, 1), 182000);
    assert_string_equal(th_seg_text(doc, 5), "I'd add: pick something that ripens early.");

    /* A paragraph that lost its stamp joins the turn before, with a warning. */
    assert_string_equal(th_seg_text(doc, 8), "Every day in July. Sometimes twice.\n\n"
                        "This paragraph lost its timestamp on the way to the page, "
                        "so it joins Tom's turn.");
    assert_int_equal(td_doc_warning_count(doc), 1);

    s = td_doc_segment(doc, 10);
    assert_int_equal(td_segment_start(s), 3720000);
    assert_int_equal(td_segment_end(s), TD_TIME_UNKNOWN);
    assert_string_equal(th_seg_text(doc, 10), "Thank you both.");
    td_doc_free(doc);
    free(text);
}

static void page_without_transcript_line(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("turns/bare.txt", NULL);
    assert_int_equal(th_probe(td_plugin_entry(), "b.txt", text), 85);
    td_doc *doc = th_doc("bare.txt", text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Kitchen Table Talk");
    assert_null(json_object_get(td_doc_meta(doc), "season"));
    assert_int_equal(meta_int(doc, "turns"), 3);
    assert_int_equal(meta_int(doc, "paragraphs"), 4);
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_string_equal(th_seg_text(doc, 1),
                        "Morning! This paragraph runs over two lines before its stamp.\n\n"
                        "and this one has no name, so it continues Ben's turn.");
    assert_int_equal(td_segment_speaker(td_doc_segment(doc, 1)), 1);
    assert_int_equal(td_segment_end(td_doc_segment(doc, 1)), 20000);
    td_doc_free(doc);
    free(text);
}

static void no_turns_fails(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("x.txt", "Transcript\n\nNothing here has a stamp.\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "no 'Name: text (h:mm:ss)' turns"));
    td_doc_free(doc);
}

static void seed_000(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    assert_int_equal(th_probe(td_plugin_entry(), "000.txt", text), 85);
    td_doc *doc = th_doc_bytes("000.txt", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc),
                        "Make an Impact Through Volunteering Open Source Work");
    assert_int_equal(meta_int(doc, "season"), 17);
    assert_int_equal(meta_int(doc, "episode"), 7);
    assert_string_equal(meta_str(doc, "series"), "DataTalks.Club podcast");
    json_t *guests = json_object_get(td_doc_meta(doc), "guests");
    assert_int_equal(json_array_size(guests), 1);
    assert_string_equal(json_string_value(json_array_get(guests, 0)), "Sara EL-ATEIF");
    assert_int_equal(meta_int(doc, "turns"), 138);
    assert_int_equal(meta_int(doc, "paragraphs"), 166);
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(td_doc_speaker_id(doc, 0), "Alexey");
    assert_string_equal(td_doc_speaker_id(doc, 1), "Sara");
    assert_int_equal(th_count_kind(doc, TD_SEG_SPEECH), 138);
    assert_int_equal(td_doc_chapter_count(doc), 15);
    assert_string_equal(td_doc_chapter_title(doc, 0), "Sara\xe2\x80\x99s background");
    assert_int_equal(td_doc_chapter_start(doc, 0), 157000);
    assert_int_equal(td_doc_warning_count(doc), 0);
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), 103000);
    assert_int_equal(td_segment_end(s), 154000);
    s = td_doc_segment(doc, td_doc_segment_count(doc) - 1);
    assert_int_equal(td_segment_start(s), 3677000);
    assert_string_equal(td_segment_text(s, NULL), "Thank you. Take care!");
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(episode_page),
        cmocka_unit_test(page_without_transcript_line),
        cmocka_unit_test(no_turns_fails),
        cmocka_unit_test(seed_000),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
