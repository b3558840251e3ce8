/* The markdown exporter: the whole readable document, escaped. */
#include "sample_docs.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static const char WORKSHOP_MD[] =
    "# Pine & \\<Birds\\>: a \"workshop\"\n"
    "\n"
    "- **Date:** 2024-05-01\n"
    "- **Source:** workshop.txt\n"
    "- **Duration:** 0:01:21\n"
    "- **Speakers:** Ann, Bob\n"
    "\n"
    "## Summary\n"
    "\n"
    "- [0:00:04] **Ann:** They build a birdhouse.\n"
    "\n"
    "**Key phrases:** birdhouse, pine\\_boards, entrance hole\n"
    "\n"
    "## Chapters\n"
    "\n"
    "1. [0:00:00] Getting started\n"
    "2. [0:01:00] Cutting \\*wood\\*\n"
    "\n"
    "## Transcript\n"
    "\n"
    "### Getting started\n"
    "\n"
    "[0:00:00] **Ann:** Welcome to the workshop. Today we build a birdhouse out of pine.\n"
    "\n"
    "[0:00:09] **Bob:** Sounds good. What do we need?\n"
    "\n"
    "[0:00:12] \\[laughter\\]\n"
    "\n"
    "[0:00:14] **Ann:** A saw, a drill and some glue.\n"
    "\n"
    "### Cutting \\*wood\\*\n"
    "\n"
    "[0:01:00] **Ann:** First we cut the front panel to size, then the back panel, "
    "and then both side panels, keeping the grain running up and down so the rain "
    "runs off.\n"
    "\n"
    "#### Questions\n"
    "\n"
    "[0:01:15] **Bob:** Use a \\<sharp\\> saw & take care.\n"
    "\n"
    "[0:01:18] **Ann:** Right. The entrance hole comes last.\n"
    "\n";

static void workshop_document(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *md = sd_export(td_plugin_entry(), doc, NULL, "md");
    assert_string_equal(md, WORKSHOP_MD);
    free(md);
    td_doc_free(doc);
}

static void no_times_speakers_or_summary(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    char *md = sd_export(td_plugin_entry(), doc, NULL, "md");
    /* Nothing shown empty; text that looks like blocks stays text. */
    assert_string_equal(md, "# chat.md\n\n"
                            "- **Source:** chat.md\n\n"
                            "## Transcript\n\n"
                            "\\# not a heading\n\n"
                            "#### Part \\<2\\>\n\n"
                            "\\- not a list, 2. neither\n\n");
    free(md);
    td_doc_free(doc);
}

static void times_can_be_left_out(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *md = sd_export(td_plugin_entry(), doc, (const char *[]){ "times", "no", NULL }, "md");
    assert_non_null(strstr(md, "\n**Ann:** Welcome to the workshop."));
    assert_null(strstr(md, "[0:00:00] **Ann:**"));
    /* The chapter list keeps its times. */
    assert_non_null(strstr(md, "1. [0:00:00] Getting started\n"));
    free(md);
    td_doc_free(doc);
}

static void markup_and_entities_are_escaped(void **state)
{
    (void)state;
    td_doc *doc = th_doc("x.txt", "x");
    td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                       TD_SEG_SPEECH, "12) `code` ~x~ &amp; Q&A back\\slash", TD_NTS);
    char *md = sd_export(td_plugin_entry(), doc, NULL, "md");
    assert_non_null(strstr(md, "\n12\\) \\`code\\` \\~x\\~ \\&amp; Q&A back\\\\slash\n"));
    free(md);
    td_doc_free(doc);
}

static void long_caption_runs_become_paragraphs(void **state)
{
    (void)state;
    td_doc *doc = th_doc("dump.txt", "x");
    /* Unpunctuated captions, no speaker: paragraphs still break. */
    for (int i = 0; i < 100; i++)
        td_doc_add_segment(doc, i * 2000, i * 2000 + 2000, TD_NO_SPEAKER, TD_SEG_SPEECH,
                           "words without any punctuation at all", TD_NTS);
    char *md = sd_export(td_plugin_entry(), doc, NULL, "md");
    size_t paragraphs = 0;
    for (const char *p = strstr(md, "\n[0:"); p; p = strstr(p + 1, "\n[0:"))
        paragraphs++;
    assert_in_range(paragraphs, 3, 5);      /* 3700 bytes, cut at 1200 */
    assert_non_null(strstr(md, "\n[0:00:00] words without"));
    free(md);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workshop_document),
        cmocka_unit_test(no_times_speakers_or_summary),
        cmocka_unit_test(times_can_be_left_out),
        cmocka_unit_test(markup_and_entities_are_escaped),
        cmocka_unit_test(long_caption_runs_become_paragraphs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
