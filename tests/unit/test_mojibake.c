/* The mojibake cleaner: exact round trips repaired, everything else kept. */
#include "harness.h"
#include "paragraphs.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static td_doc *fixture_doc(void)
{
    size_t len;
    char *text = th_fixture("mojibake/chat.txt", &len);
    td_doc *doc = tp_doc("chat.txt", text, len);
    free(text);
    return doc;
}

static void repairs_round_trips(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = fixture_doc();
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "More research = More mistakes = "
                        "results that actually work \xF0\x9F\x98\x9B");
    assert_string_equal(th_seg_text(doc, 1), "That\u2019s the idea \u2014 and "
                        "it\u2019s \u201Cfine\u201D.");
    assert_string_equal(th_seg_text(doc, 2), "A caf\u00e9 cr\u00e8me costs \u00a35");
    assert_string_equal(th_seg_text(doc, 3), "Broken twice: it\u2019s here");
    /* 1 + 5 (’ — ’ “ ”) + 3 (é è £) + 4 (three runs, then one) */
    assert_int_equal(tp_change(doc, "mojibake", "repaired"), 13);
    assert_int_equal(tp_change(doc, "mojibake", "segments"), 4);
    td_doc_free(doc);
}

static void leaves_real_accents_alone(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = fixture_doc();
    char before[256];
    snprintf(before, sizeof(before), "%s", th_seg_text(doc, 4));
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 4), before);
    assert_non_null(strstr(before, "S\u00e3o Paulo"));
    td_doc_free(doc);
}

static void repairs_the_title(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("t.txt", "x");
    td_doc_set_title(doc, "Caf\u00c3\u00a9 talk", TD_NTS);
    td_doc_add_segment(doc, 0, 1, TD_NO_SPEAKER, TD_SEG_SPEECH, "clean", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(td_doc_title(doc), "Caf\u00e9 talk");
    assert_string_equal(th_seg_text(doc, 0), "clean");
    assert_int_equal(tp_change(doc, "mojibake", "repaired"), 1);
    td_doc_free(doc);
}

/* Seed 001: one emoji broken in a chat log, nothing else to repair. */
static void seed_001_emoji(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("001", &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_doc("001.txt", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(tp_change(doc, "mojibake", "repaired"), 1);
    bool found = false;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const char *s = th_seg_text(doc, i);
        assert_null(strstr(s, "\u00f0\u0178"));
        found |= strstr(s, "results that actually work \xF0\x9F\x98\x9B It's") != NULL;
    }
    assert_true(found);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repairs_round_trips),
        cmocka_unit_test(leaves_real_accents_alone),
        cmocka_unit_test(repairs_the_title),
        cmocka_unit_test(seed_001_emoji),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
