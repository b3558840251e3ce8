/* The fillers cleaner: hesitations out, stutters collapsed, speech kept. */
#include "harness.h"
#include "paragraphs.h"

#include <ctype.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static td_doc *talk(void)
{
    size_t len;
    char *text = th_fixture("fillers/talk.txt", &len);
    td_doc *doc = tp_doc("talk.txt", text, len);
    free(text);
    return doc;
}

static void defaults(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = talk();
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    const char *want[] = {
        "So I started with the basics.",
        "I think that that is.",
        "And I wanted to, you know, check it out.",
        /* "Ummm... Uhh, hmm." was nothing but fillers: gone */
        "No, no, it was very very good, like, really. Mm-hmm, uh-huh.",
        "The plan was simple: we err on the side of caution.",
        "He said once.",
    };
    assert_int_equal(td_doc_segment_count(doc), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(th_seg_text(doc, i), want[i]);
    assert_int_equal(td_segment_start(td_doc_segment(doc, 3)), 20000);
    assert_int_equal(tp_change(doc, "fillers", "fillers"), 9);
    assert_int_equal(tp_change(doc, "fillers", "stutters"), 5);
    assert_int_equal(tp_change(doc, "fillers", "segments_dropped"), 1);
    assert_int_equal(tp_change(doc, "fillers", "discourse"), -1);
    td_doc_free(doc);
}

/*
 * Spaces doubled (fillers may run before normalize) and a segment longer
 * than the 64 bytes words are found in at a time, with a stutter across
 * that border: the words come out one space apart.
 */
static void words_found_whatever_the_spacing(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = th_doc("spacing", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "  I  I think,  uh,  we   should check it out check it out  ", TD_NTS);
    /* "the the" at bytes 60 to 66 */
    td_doc_add_segment(doc, 1000, 2000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                       "We walked for a long while and then we finally came to see the the "
                       "river. Um, so nice.", TD_NTS);
    td_doc_add_segment(doc, 2000, 3000, TD_NO_SPEAKER, TD_SEG_SPEECH, "   ", TD_NTS);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(td_doc_segment_count(doc), 3);
    assert_string_equal(th_seg_text(doc, 0), "I think we should check it out");
    assert_string_equal(th_seg_text(doc, 1), "We walked for a long while and then we finally "
                        "came to see the river. So nice.");
    assert_string_equal(th_seg_text(doc, 2), "   ");
    assert_int_equal(tp_change(doc, "fillers", "fillers"), 2);
    assert_int_equal(tp_change(doc, "fillers", "stutters"), 3);
    td_doc_free(doc);
}

static void discourse_markers_on_request(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = talk();
    const char *opts[] = { "discourse", "like you_know", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_string_equal(th_seg_text(doc, 2), "And I wanted to check it out.");
    assert_string_equal(th_seg_text(doc, 3), "No, no, it was very very good really. "
                        "Mm-hmm, uh-huh.");
    assert_int_equal(tp_change(doc, "fillers", "discourse"), 2);
    td_doc_free(doc);
}

static void configured_list_no_stutters(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = talk();
    const char *opts[] = { "words", "um uh", "stutters", "no", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "So I started with the the basics.");
    assert_string_equal(th_seg_text(doc, 3), "Hmm.");
    assert_string_equal(th_seg_text(doc, 5), "The- the plan was, erm, simple: we err "
                        "on the side of caution.");
    assert_int_equal(tp_change(doc, "fillers", "stutters"), 0);
    td_doc_free(doc);
}

/* True when text has the word w (any case) standing alone. */
static bool has_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = text; (p = strcasestr(p, w)) != NULL; p += n) {
        bool start = p == text || !isalpha((unsigned char)p[-1]);
        bool end = !isalpha((unsigned char)p[n]);
        if (start && end)
            return true;
    }
    return false;
}

/* Seed 003, punctuated captions: every um and uh goes, capitals stay right. */
static void seed_003_captions(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("003", &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_caption_doc("003", text, len);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_int_equal(tp_change(doc, "fillers", "fillers"), 179);
    assert_true(tp_change(doc, "fillers", "stutters") > 10);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const char *t = th_seg_text(doc, i);
        assert_false(has_word(t, "um"));
        assert_false(has_word(t, "uh"));
        assert_null(strstr(t, "  "));
        assert_true(t[0] != ',' && t[0] != ' ');
    }
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(discourse_markers_on_request),
        cmocka_unit_test(words_found_whatever_the_spacing),
        cmocka_unit_test(configured_list_no_stutters),
        cmocka_unit_test(seed_003_captions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
