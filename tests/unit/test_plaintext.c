/* The plaintext exporter: speaker paragraphs, no markup, no escaping. */
#include "sample_docs.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void workshop_text(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *txt = sd_export(td_plugin_entry(), doc, NULL, "txt");
    assert_string_equal(txt,
        "Pine & <Birds>: a \"workshop\"\n"
        "============================\n"
        "\n"
        "== Getting started ==\n"
        "\n"
        "[0:00:00] Ann: Welcome to the workshop. Today we build a birdhouse out of pine.\n"
        "\n"
        "[0:00:09] Bob: Sounds good. What do we need?\n"
        "\n"
        "[0:00:12] [laughter]\n"
        "\n"
        "[0:00:14] Ann: A saw, a drill and some glue.\n"
        "\n"
        "== Cutting *wood* ==\n"
        "\n"
        "[0:01:00] Ann: First we cut the front panel to size, then the back panel, and "
        "then both side panels, keeping the grain running up and down so the rain runs off.\n"
        "\n"
        "== Questions ==\n"
        "\n"
        "[0:01:15] Bob: Use a <sharp> saw & take care.\n"
        "\n"
        "[0:01:18] Ann: Right. The entrance hole comes last.\n"
        "\n");
    free(txt);
    td_doc_free(doc);
}

static void bare_document_and_no_times(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    char *txt = sd_export(td_plugin_entry(), doc, NULL, "txt");
    assert_string_equal(txt, "chat.md\n=======\n\n# not a heading\n\n== Part <2> ==\n\n"
                             "- not a list, 2. neither\n\n");
    free(txt);
    td_doc_free(doc);

    doc = sd_workshop();
    txt = sd_export(td_plugin_entry(), doc, (const char *[]){ "times", "no", NULL }, "txt");
    assert_non_null(strstr(txt, "\n\nAnn: Welcome to the workshop."));
    assert_null(strstr(txt, "[0:"));
    free(txt);
    td_doc_free(doc);
}

static void title_underline_counts_characters(void **state)
{
    (void)state;
    td_doc *doc = th_doc("x.txt", "x");
    td_doc_set_title(doc, "Über Café", TD_NTS);
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "hi", TD_NTS);
    char *txt = sd_export(td_plugin_entry(), doc, NULL, "txt");
    assert_string_equal(txt, "Über Café\n=========\n\n[0:00:00] hi\n\n");
    free(txt);
    td_doc_free(doc);
}

static void events_read_in_brackets(void **state)
{
    (void)state;
    td_doc *doc = th_doc("x.txt", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "Listen.", TD_NTS);
    td_doc_add_segment(doc, 1000, 2000, TD_NO_SPEAKER, TD_SEG_EVENT, "bell ringing", TD_NTS);
    td_doc_add_segment(doc, 2000, 3000, TD_NO_SPEAKER, TD_SEG_EVENT, "(applause)", TD_NTS);
    td_doc_add_segment(doc, 3000, 4000, TD_NO_SPEAKER, TD_SEG_EVENT, "", TD_NTS);
    char *txt = sd_export(td_plugin_entry(), doc, NULL, "txt");
    assert_string_equal(txt, "x.txt\n=====\n\n[0:00:00] Listen. [bell ringing] (applause)\n\n");
    free(txt);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workshop_text),
        cmocka_unit_test(bare_document_and_no_times),
        cmocka_unit_test(title_underline_counts_characters),
        cmocka_unit_test(events_read_in_brackets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
