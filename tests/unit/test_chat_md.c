/* The chat-md parser: Markdown chats with front matter, legend and turns. */
#include "harness.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static td_doc *parse(const char *rel, td_error *err)
{
    char *text = th_fixture(rel, NULL);
    td_doc *doc = th_doc(rel, text);
    free(text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, err), 0);
    return doc;
}

static void probe_scores(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    char *text = th_fixture("chat-md/ama.md", NULL);
    assert_int_equal(th_probe(p, "a.md", text), 80);
    free(text);
    assert_int_equal(th_probe(p, "x.md", "**Legend:**\n\n- A: Ann\n"), 0);
    assert_int_equal(th_probe(p, "x.md", "Some **bold** prose.\n"), 0);
    assert_int_equal(th_probe(p, "x.md", "# Setup\n\n**Note:** run it twice.\n"), 0);
}

static void ama(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = parse("chat-md/ama.md", &err);
    json_t *meta = td_doc_meta(doc);

    assert_string_equal(td_doc_title(doc), "AMA with Dr. Lena Ortiz: \"Birds & Code\"");
    assert_string_equal(td_doc_date(doc), "2021-05-02T18:00:00+02:00");
    assert_string_equal(json_string_value(json_object_get(meta, "description")),
                        "Last spring our reading group hosted an AMA on Matrix with "
                        "Lena Ortiz, who maps bird migration with open data.\n\n"
                        "Lena works at the Ornithology Lab and maintains flocktrack.");
    json_t *links = json_object_get(meta, "links");
    assert_int_equal(json_array_size(links), 4);
    json_t *l = json_array_get(links, 1);
    assert_string_equal(json_string_value(json_object_get(l, "text")), "Ornithology Lab");
    assert_string_equal(json_string_value(json_object_get(l, "url")),
                        "https://example.org/lab_(birds)");
    l = json_array_get(links, 2);
    assert_string_equal(json_string_value(json_object_get(l, "url")), "https://ebird.org/home");

    /* The legend names the speakers and is not one. */
    assert_int_equal(td_doc_speaker_count(doc), 3);
    assert_string_equal(td_doc_speaker_id(doc, 0), "Q1");
    assert_string_equal(td_doc_speaker_name(doc, 0), "Questioner 1");
    assert_string_equal(td_doc_speaker_name(doc, 1), "Lena");
    assert_string_equal(td_doc_speaker_name(doc, 2), "Questioner 2");

    assert_int_equal(td_doc_segment_count(doc), 6);
    assert_int_equal(json_integer_value(json_object_get(meta, "turns")), 6);
    td_segment *s = td_doc_segment(doc, 0);
    assert_int_equal(td_segment_start(s), TD_TIME_UNKNOWN);
    assert_int_equal(td_segment_end(s), TD_TIME_UNKNOWN);
    assert_string_equal(th_seg_text(doc, 0), "How did you get started with migration data?");
    assert_string_equal(th_seg_text(doc, 1),
                        "By accident! I was cleaning data for a weather project.\n\n"
                        "Then a colleague showed me eBird and I never looked back.");
    assert_string_equal(th_seg_text(doc, 3),
                        "Mostly these:\n\n- Python with pandas\n- QGIS for maps\n"
                        "- a lot of coffee\n\nTools matter less than questions.");
    assert_string_equal(th_seg_text(doc, 4),
                        "Follow-up: any advice for snake_case fans? 2 * 3 = 6?");
    assert_int_equal(td_segment_speaker(td_doc_segment(doc, 5)), 1);
    assert_string_equal(th_seg_text(doc, 5),
                        "Start small, publish early. See https://example.org/start for a list.");
    td_doc_free(doc);
}

static void standup_without_front_matter(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = parse("chat-md/standup.md", &err);
    assert_string_equal(td_doc_title(doc), "Tuesday stand-up");
    assert_null(td_doc_date(doc));
    assert_null(json_object_get(td_doc_meta(doc), "description"));
    assert_null(json_object_get(td_doc_meta(doc), "links"));
    assert_int_equal(td_doc_speaker_count(doc), 2);
    assert_string_equal(td_doc_speaker_name(doc, 1), "Ben");
    assert_int_equal(td_doc_segment_count(doc), 4);
    assert_string_equal(th_seg_text(doc, 1), "Nice. I'm still on the flaky test.");
    assert_string_equal(th_seg_text(doc, 2), "Pair after lunch?");
    /* Numbered items keep their numbers; "#42" is not a heading. */
    assert_string_equal(th_seg_text(doc, 3), "Two things:\n\n1. rebase the #42 branch\n"
                        "2. tag the release");
    td_doc_free(doc);
}

static void broken_files_fail(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("x.md", "---\ntitle: never closed\n**A:** hi\n**B:** yo\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "line 1: front matter"));
    td_doc_free(doc);
    doc = th_doc("y.md", "Just prose.\n\n**Legend:**\n- A: Ann\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "no '**Name:**' turns"));
    td_doc_free(doc);
}

/* Found by fuzzing: an empty link text before anything else was written. */
static void empty_link_text(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("e.md", "[](x-y!)\n**A:** [](http://a) hi\n**B:** yo\n");
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *links = json_object_get(td_doc_meta(doc), "links");
    assert_int_equal(json_array_size(links), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "text")), "");
    assert_string_equal(th_seg_text(doc, 0), "hi");
    td_doc_free(doc);
}

static void seed_001(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("001", &len);
    if (text == NULL)
        skip();
    assert_int_equal(th_probe(td_plugin_entry(), "001.md", text), 80);
    td_doc *doc = th_doc_bytes("001.md", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "AMA with Sayak Paul - Hacktoberfest'19");
    assert_string_equal(td_doc_date(doc), "2019-11-13T15:14:46+05:30");
    assert_int_equal(td_doc_segment_count(doc), 14);
    assert_int_equal(td_doc_speaker_count(doc), 8);
    assert_string_equal(td_doc_speaker_id(doc, 0), "P1");
    assert_string_equal(td_doc_speaker_name(doc, 0), "Participant 1");
    assert_string_equal(td_doc_speaker_id(doc, 1), "S");
    assert_string_equal(td_doc_speaker_name(doc, 1), "Sayak");
    assert_string_equal(td_doc_speaker_name(doc, 7), "Participant 7");
    json_t *meta = td_doc_meta(doc);
    const char *desc = json_string_value(json_object_get(meta, "description"));
    assert_non_null(desc);
    assert_true(strncmp(desc, "This year during Hactoberfest we decided", 40) == 0);
    assert_null(strstr(desc, "Legend"));
    assert_null(strstr(desc, "Sayak\n- P"));
    assert_int_equal(json_array_size(json_object_get(meta, "links")), 7);
    assert_true(strncmp(th_seg_text(doc, 0), "How you introduce Data Science", 30) == 0);
    td_doc_free(doc);
    free(text);
}

/* Unclosed brackets on a long line: each is searched a bounded distance. */
static void long_lines_stay_linear(void **state)
{
    (void)state;
    td_error err;
    size_t n = 2000000;
    char *s = malloc(n + 64);
    strcpy(s, "**A:** ");
    for (size_t i = 7; i < n; i += 4)
        memcpy(s + i, "[a](", 4);
    strcpy(s + n - (n - 7) % 4, "\n**B:** <http://x\n");
    td_doc *doc = th_doc("long.md", s);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 2);
    assert_string_equal(th_seg_text(doc, 1), "<http://x");
    td_doc_free(doc);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe_scores),
        cmocka_unit_test(ama),
        cmocka_unit_test(standup_without_front_matter),
        cmocka_unit_test(broken_files_fail),
        cmocka_unit_test(empty_link_text),
        cmocka_unit_test(seed_001),
        cmocka_unit_test(long_lines_stay_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
