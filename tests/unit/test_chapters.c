/* The chapters summarizer: the source's headings, or found topic borders. */
#include "harness.h"
#include "turns_doc.h"

#include <stdio.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void print_chapters(const td_doc *doc)
{
    char t[24];
    for (size_t i = 0; i < td_doc_chapter_count(doc); i++)
        fprintf(stderr, "  %8s %s\n", td_time_format(td_doc_chapter_start(doc, i), false, t),
                td_doc_chapter_title(doc, i));
}

static void fixture_headings_are_chapters(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_chapter_count(doc), 3);
    assert_string_equal(td_doc_chapter_title(doc, 0), "Feature stores in production");
    assert_int_equal(td_doc_chapter_start(doc, 0), 55000);
    assert_string_equal(td_doc_chapter_title(doc, 1), "Keeping bees on a rooftop");
    assert_int_equal(td_doc_chapter_start(doc, 1), 7 * 60000);
    assert_string_equal(td_doc_chapter_title(doc, 2), "Learning to sail");
    assert_int_equal(td_doc_chapter_start(doc, 2), 12 * 60000 + 40000);
    td_doc_free(doc);
    free(text);
}

static void parser_chapters_are_kept(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, false);
    td_doc_add_chapter(doc, 0, "Everything", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_chapter_count(doc), 1);
    assert_string_equal(td_doc_chapter_title(doc, 0), "Everything");
    td_doc_free(doc);
    free(text);
}

/* Without its headings, the fixture's three topics are found again. */
static void fixture_topics_found_without_headings(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, false);
    const char *three[] = { "count", "3", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, three, &err), 0);
    print_chapters(doc);
    assert_int_equal(td_doc_chapter_count(doc), 3);
    assert_int_equal(td_doc_chapter_start(doc, 0), 0);
    /* The real borders: 7:00 (bees) and 12:40 (sailing). */
    assert_int_equal(td_doc_chapter_start(doc, 1), 7 * 60000);
    assert_int_equal(td_doc_chapter_start(doc, 2), 12 * 60000 + 40000);
    assert_non_null(strstr(td_doc_chapter_title(doc, 0), "Feature store"));
    const char *bees = td_doc_chapter_title(doc, 1);
    assert_true(strstr(bees, "ees") || strstr(bees, "ive") || strstr(bees, "oney"));
    assert_non_null(strstr(td_doc_chapter_title(doc, 2), "ailing"));
    td_doc_free(doc);
    free(text);
}

static void seed_000_headings_are_chapters(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = turns_doc("000.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    print_chapters(doc);
    assert_int_equal(td_doc_chapter_count(doc), 15);
    assert_string_equal(td_doc_chapter_title(doc, 0), "Sara’s background");
    assert_int_equal(td_doc_chapter_start(doc, 0), 2 * 60000 + 37000);
    assert_string_equal(td_doc_chapter_title(doc, 3), "Finding AI volunteer work");
    assert_string_equal(td_doc_chapter_title(doc, 14), "Sara’s newsletter suggestions");
    for (size_t i = 1; i < 15; i++)
        assert_true(td_doc_chapter_start(doc, i) > td_doc_chapter_start(doc, i - 1));
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_headings_are_chapters),
        cmocka_unit_test(parser_chapters_are_kept),
        cmocka_unit_test(fixture_topics_found_without_headings),
        cmocka_unit_test(seed_000_headings_are_chapters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
