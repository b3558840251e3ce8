/* The html exporter: a self-contained page, escaped, with its parts. */
#include "sample_docs.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void workshop_page(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *html = sd_export(td_plugin_entry(), doc, NULL, "html");

    assert_non_null(strstr(html, "<title>Pine &amp; &lt;Birds&gt;: a &quot;workshop&quot;</title>"));
    assert_non_null(strstr(html, "<p class=\"meta\">2024-05-01 · 0:01:21 · workshop.txt</p>"));
    assert_non_null(strstr(html, "<li><span class=\"time\">0:00:04</span> <b>Ann:</b> "
                                 "They build a birdhouse.</li>"));
    assert_non_null(strstr(html, "<span class=\"kw\">entrance hole</span>"));
    /* Chapters link to headings that exist, in the transcript. */
    assert_non_null(strstr(html, "<li><a href=\"#chapter-2\"><span class=\"time\">0:01:00"
                                 "</span> Cutting *wood*</a></li>"));
    assert_int_equal(count(html, "<h3 id=\"chapter-1\">Getting started</h3>"), 1);
    assert_int_equal(count(html, "<h3 id=\"chapter-2\">Cutting *wood*</h3>"), 1);
    assert_true(strstr(html, "id=\"chapter-2\"") > strstr(html, "<section id=\"transcript\">"));
    /* Talk time: Ann 4+5+6+15+3 = 33 s, Bob 3+3 = 6 s. */
    assert_non_null(strstr(html, "<svg id=\"talk-chart\""));
    assert_non_null(strstr(html, "<title>Ann: 0:00:33, 85%</title>"));
    assert_non_null(strstr(html, "<title>Bob: 0:00:06, 15%</title>"));
    assert_int_equal(count(html, "<rect "), 2);
    assert_non_null(strstr(html, "width=\"340\" height=\"20\""));      /* the longest bar */
    /* Paragraphs: speaker, a time that links to itself, escaped text. */
    assert_non_null(strstr(html, "<p class=\"turn\" id=\"t-7\" data-speaker=\"Bob\">"
                                 "<a class=\"time\" href=\"#t-7\">0:01:15</a> "
                                 "<span class=\"speaker\" style=\"color:#f28e2b\">Bob</span> "
                                 "Use a &lt;sharp&gt; saw &amp; take care.</p>"));
    assert_null(strstr(html, "<sharp>"));
    assert_non_null(strstr(html, "<h4 id=\"h-6\">Questions</h4>"));
    assert_int_equal(count(html, "<p class=\"turn\""), 7);
    /* The filter box and its script; nothing external. */
    assert_non_null(strstr(html, "<input id=\"filter\" type=\"search\""));
    assert_non_null(strstr(html, "box.addEventListener('input', apply);"));
    assert_non_null(strstr(html, "content=\"default-src 'none'; "));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "<link"));
    assert_int_equal(count(html, "http"), 2);       /* http-equiv, the SVG namespace */
    free(html);
    td_doc_free(doc);
}

static void bare_page_has_no_empty_sections(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    char *html = sd_export(td_plugin_entry(), doc, NULL, "html");
    assert_null(strstr(html, "id=\"summary\""));
    assert_null(strstr(html, "id=\"chapters\""));
    assert_null(strstr(html, "<svg"));
    assert_null(strstr(html, "class=\"time\""));
    assert_non_null(strstr(html, "<p class=\"turn\" id=\"t-0\"># not a heading</p>"));
    assert_non_null(strstr(html, "<h4 id=\"h-1\">Part &lt;2&gt;</h4>"));
    free(html);
    td_doc_free(doc);
}

static void words_chart_without_times(void **state)
{
    (void)state;
    td_doc *doc = th_doc("chat.md", "x");
    int a = td_doc_speaker(doc, "Alexey", TD_NTS);
    int s = td_doc_speaker(doc, "Sara \"S\" <EL-Ateif> with a very long name indeed", TD_NTS);
    td_doc_add_segment(doc, -1, -1, a, TD_SEG_SPEECH, "one two three", TD_NTS);
    td_doc_add_segment(doc, -1, -1, s, TD_SEG_SPEECH, "one", TD_NTS);
    td_doc_add_chapter(doc, TD_TIME_UNKNOWN, "Unplaced", TD_NTS);
    char *html = sd_export(td_plugin_entry(), doc, NULL, "html");
    assert_non_null(strstr(html, "aria-label=\"Words per speaker\""));
    assert_non_null(strstr(html, "<title>Alexey: 3 words, 75%</title>"));
    assert_non_null(strstr(html, "<title>Sara &quot;S&quot; &lt;EL-Ateif&gt; with a very "
                                 "long name indeed: 1 words, 25%</title>"));
    /* Long names are cut in the chart, whole in the tooltip. */
    assert_non_null(strstr(html, ">Sara &quot;S&quot; &lt;EL-Ateif&gt; wi…</text>"));
    /* A chapter without a time is listed, not linked. */
    assert_non_null(strstr(html, "<li>Unplaced</li>"));
    assert_null(strstr(html, "id=\"chapter-1\""));
    free(html);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workshop_page),
        cmocka_unit_test(bare_page_has_no_empty_sections),
        cmocka_unit_test(words_chart_without_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
