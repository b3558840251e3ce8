/* The keywords summarizer: stemmed key phrases, kept whole, as written. */
#include "harness.h"
#include "turns_doc.h"

#include <stdio.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void print_keywords(const td_doc *doc)
{
    for (size_t i = 0; i < td_doc_keyword_count(doc); i++) {
        double score;
        const char *k = td_doc_keyword(doc, i, &score);
        fprintf(stderr, "  %-30s %.3f\n", k, score);
    }
}

static bool has_keyword(const td_doc *doc, const char *phrase)
{
    for (size_t i = 0; i < td_doc_keyword_count(doc); i++)
        if (strcasecmp(td_doc_keyword(doc, i, NULL), phrase) == 0)
            return true;
    return false;
}

static void seed_000_is_about_volunteering_and_open_source(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("000", &len);
    if (text == NULL)
        skip();
    td_doc *doc = turns_doc("000.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    print_keywords(doc);
    assert_int_equal(td_doc_keyword_count(doc), 10);
    assert_true(has_keyword(doc, "volunteering") || has_keyword(doc, "volunteer"));
    assert_true(has_keyword(doc, "open source") || has_keyword(doc, "open-source"));
    td_doc_free(doc);
    free(text);
}

static void fixture_phrase_kept_whole(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    print_keywords(doc);
    assert_int_equal(td_doc_keyword_count(doc), 10);
    assert_string_equal(td_doc_keyword(doc, 0, NULL), "feature store");
    assert_false(has_keyword(doc, "feature"));
    assert_false(has_keyword(doc, "store"));
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_phrase_kept_whole),
        cmocka_unit_test(seed_000_is_about_volunteering_and_open_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
