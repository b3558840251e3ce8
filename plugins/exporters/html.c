/*
 * html.c - one self-contained page: OUTBOX/STEM.html.
 *
 * Title, summary, chapters that jump to their place, a talk-time chart per
 * speaker (inline SVG), the transcript with speakers and times, and a
 * filter box (a few lines of inline script).  Nothing is loaded from
 * anywhere: the page's Content-Security-Policy forbids it, so that a
 * transcript can never make a reader's browser fetch anything.  Every
 * piece of text from the document is HTML-escaped.
 */
#include <transcriptd/transcriptd.h>

#include "common/paragraphs.h"
#include "common/sink.h"

#include <stdlib.h>
#include <string.h>

/* Chart geometry (SVG user units). */
#define CHART_WIDTH 640
#define CHART_LABEL 170         /* room for the names, left of the bars */
#define CHART_BAR_MAX 340
#define CHART_ROW 28
#define CHART_NAME_CHARS 22     /* longer names are cut with an ellipsis */

static const char *const PALETTE[] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759",
    "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
};
#define NPALETTE (sizeof(PALETTE) / sizeof(PALETTE[0]))

static const char STYLE[] =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;"
    "padding:1rem;color:#222;background:#fff}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#666;margin-top:0}"
    ".time{font:.85em ui-monospace,monospace;color:#666;text-decoration:none}"
    "a.time:hover{text-decoration:underline}"
    ".speaker{font-weight:600}.turn{margin:.6rem 0}"
    ".kw{display:inline-block;background:#eef;border-radius:.3rem;"
    "padding:0 .4rem;margin:0 .2rem .2rem 0}"
    "#chapters ol{padding-left:1.4rem}#talk-chart text{font:13px sans-serif}"
    ".filter input{width:60%;font:inherit;padding:.2rem .4rem}"
    "#filter-count{color:#666;margin-left:.5rem}"
    ":target{background:#ffd}";

/* Hides the paragraphs that do not contain what is typed (case-insensitive). */
static const char SCRIPT[] =
    "(function(){\n"
    "  var box = document.getElementById('filter');\n"
    "  var count = document.getElementById('filter-count');\n"
    "  var turns = document.querySelectorAll('#transcript .turn');\n"
    "  function apply() {\n"
    "    var q = box.value.trim().toLowerCase(), shown = 0;\n"
    "    for (var i = 0; i < turns.length; i++) {\n"
    "      var hit = !q || turns[i].textContent.toLowerCase().indexOf(q) >= 0;\n"
    "      turns[i].hidden = !hit;\n"
    "      if (hit) shown++;\n"
    "    }\n"
    "    count.textContent = q ? shown + ' of ' + turns.length + ' paragraphs' : '';\n"
    "  }\n"
    "  box.addEventListener('input', apply);\n"
    "  apply();\n"
    "})();\n";

static void escape(sink *o, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        }
        if (rep == NULL)
            continue;
        sink_write(o, s + run, i - run);
        sink_puts(o, rep);
        run = i + 1;
    }
    sink_write(o, s + run, len - run);
}

static void escape_str(sink *o, const char *s)
{
    escape(o, s, strlen(s));
}

static void head(sink *o, td_doc *doc)
{
    const char *title = td_doc_title(doc) ? td_doc_title(doc) : td_doc_source_name(doc);
    char t[24];
    td_ms duration = doc_duration(doc);

    sink_puts(o, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
              "<meta name=\"generator\" content=\"transcriptd\">\n<title>");
    escape_str(o, title);
    sink_puts(o, "</title>\n<style>");
    sink_puts(o, STYLE);
    sink_puts(o, "</style>\n</head>\n<body>\n<header>\n<h1>");
    escape_str(o, title);
    sink_puts(o, "</h1>\n<p class=\"meta\">");
    if (td_doc_date(doc)) {
        escape_str(o, td_doc_date(doc));
        sink_puts(o, " · ");
    }
    if (duration >= 0)
        sink_printf(o, "%s · ", clock_time(duration, t));
    escape_str(o, td_doc_source_name(doc));
    sink_puts(o, "</p>\n</header>\n<main>\n");
}

static void time_span(sink *o, td_ms ms)
{
    char t[24];
    if (ms >= 0)
        sink_printf(o, "<span class=\"time\">%s</span> ", clock_time(ms, t));
}

static void summary(sink *o, const td_doc *doc)
{
    size_t n = td_doc_summary_count(doc), k = td_doc_keyword_count(doc);
    if (n == 0 && k == 0)
        return;
    sink_puts(o, "<section id=\"summary\">\n<h2>Summary</h2>\n");
    if (n > 0)
        sink_puts(o, "<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const char *who = speaker_name(doc, td_doc_summary_speaker(doc, i));
        sink_puts(o, "<li>");
        time_span(o, td_doc_summary_start(doc, i));
        if (who) {
            sink_puts(o, "<b>");
            escape_str(o, who);
            sink_puts(o, ":</b> ");
        }
        escape_str(o, td_doc_summary_text(doc, i));
        sink_puts(o, "</li>\n");
    }
    if (n > 0)
        sink_puts(o, "</ul>\n");
    if (k > 0) {
        sink_puts(o, "<p class=\"keywords\"><b>Key phrases:</b> ");
        for (size_t i = 0; i < k; i++) {
            sink_puts(o, "<span class=\"kw\">");
            escape_str(o, td_doc_keyword(doc, i, NULL));
            sink_puts(o, "</span>");
        }
        sink_puts(o, "</p>\n");
    }
    sink_puts(o, "</section>\n");
}

static void chapters(sink *o, const td_doc *doc)
{
    size_t n = td_doc_chapter_count(doc);
    if (n == 0)
        return;
    sink_puts(o, "<nav id=\"chapters\">\n<h2>Chapters</h2>\n<ol>\n");
    for (size_t i = 0; i < n; i++) {
        bool placed = chapter_placed(doc, i);
        if (placed)
            sink_printf(o, "<li><a href=\"#chapter-%zu\">", i + 1);
        else
            sink_puts(o, "<li>");
        time_span(o, td_doc_chapter_start(doc, i));
        escape_str(o, td_doc_chapter_title(doc, i));
        sink_puts(o, placed ? "</a></li>\n" : "</li>\n");
    }
    sink_puts(o, "</ol>\n</nav>\n");
}

/*
 * What each speaker contributed: speaking time where segments have times,
 * else words.  Returns false when nobody is named (no chart to draw).
 */
static bool talk_shares(const td_doc *doc, double *share, bool *by_time)
{
    size_t ns = td_doc_speaker_count(doc);
    double total = 0;
    for (int pass = 0; pass < 2 && total <= 0; pass++) {
        *by_time = pass == 0;
        memset(share, 0, ns * sizeof(*share));
        for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
            const td_segment *s = td_doc_segment(doc, i);
            int who = td_segment_speaker(s);
            if (who == TD_NO_SPEAKER || td_segment_kind(s) != TD_SEG_SPEECH)
                continue;
            double v;
            if (*by_time) {
                td_ms a = td_segment_start(s), b = td_segment_end(s);
                v = a >= 0 && b > a ? (double)(b - a) : 0;
            } else {
                size_t len;
                const char *t = td_segment_text(s, &len);
                v = (double)td_text_word_count(t, len);
            }
            share[who] += v;
            total += v;
        }
    }
    return total > 0;
}

/* Writes name, cut to CHART_NAME_CHARS characters. */
static void short_name(sink *o, const char *name)
{
    size_t chars = 0, i = 0, len = strlen(name);
    while (i < len && chars < CHART_NAME_CHARS) {
        i++;
        while (i < len && ((unsigned char)name[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    escape(o, name, i);
    if (i < len)
        sink_puts(o, "…");
}

static void chart_row(sink *o, const td_doc *doc, size_t k, double v, double max,
                      double total, bool by_time)
{
    char t[24];
    const char *name = td_doc_speaker_name(doc, (int)k);
    int y = (int)k * CHART_ROW + 4;
    int w = max > 0 ? (int)(CHART_BAR_MAX * v / max + 0.5) : 0;
    int pct = total > 0 ? (int)(100 * v / total + 0.5) : 0;
    char value[48];

    if (by_time)
        snprintf(value, sizeof(value), "%s, %d%%", clock_time((td_ms)v, t), pct);
    else
        snprintf(value, sizeof(value), "%.0f words, %d%%", v, pct);
    sink_puts(o, "<g class=\"bar\"><title>");
    escape_str(o, name);
    sink_printf(o, ": %s</title>\n<text x=\"0\" y=\"%d\">", value, y + 15);
    short_name(o, name);
    sink_printf(o, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
                "rx=\"3\" fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\">%s</text></g>\n",
                CHART_LABEL, y, w, PALETTE[k % NPALETTE], CHART_LABEL + w + 6,
                y + 15, value);
}

static void talk_chart(sink *o, const td_doc *doc)
{
    size_t ns = td_doc_speaker_count(doc);
    double *share = ns ? calloc(ns, sizeof(*share)) : NULL;
    bool by_time;

    if (share == NULL || !talk_shares(doc, share, &by_time)) {
        free(share);
        return;
    }
    double max = 0, total = 0;
    for (size_t k = 0; k < ns; k++) {
        total += share[k];
        if (share[k] > max)
            max = share[k];
    }
    int height = (int)ns * CHART_ROW + 8;
    sink_printf(o, "<section id=\"talk-time\">\n<h2>Talk time</h2>\n"
                "<svg id=\"talk-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                "role=\"img\" aria-label=\"%s per speaker\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\">\n", by_time ? "Speaking time" : "Words",
                CHART_WIDTH, height, CHART_WIDTH, height);
    for (size_t k = 0; k < ns; k++)
        chart_row(o, doc, k, share[k], max, total, by_time);
    sink_puts(o, "</svg>\n</section>\n");
    free(share);
}

static void paragraph(sink *o, const td_doc *doc, const block *b, td_buf *scratch)
{
    char t[24];
    const char *who = speaker_name(doc, b->speaker);

    td_buf_reset(scratch);
    if (block_text(doc, b, scratch) != 0)
        o->failed = true;
    if (scratch->len == 0)
        return;
    sink_printf(o, "<p class=\"turn\" id=\"t-%zu\"", b->first);
    if (who) {
        sink_puts(o, " data-speaker=\"");
        escape_str(o, who);
        sink_putc(o, '"');
    }
    sink_putc(o, '>');
    if (b->start >= 0)
        sink_printf(o, "<a class=\"time\" href=\"#t-%zu\">%s</a> ", b->first,
                    clock_time(b->start, t));
    if (who) {
        sink_printf(o, "<span class=\"speaker\" style=\"color:%s\">",
                    PALETTE[(size_t)b->speaker % NPALETTE]);
        escape_str(o, who);
        sink_puts(o, "</span> ");
    }
    escape(o, scratch->data, scratch->len);
    sink_puts(o, "</p>\n");
}

static void transcript(sink *o, const td_doc *doc)
{
    td_buf scratch = TD_BUF_INIT;
    block_iter it;
    block b;

    sink_puts(o, "<section id=\"transcript\">\n<h2>Transcript</h2>\n"
              "<p class=\"filter\"><input id=\"filter\" type=\"search\" "
              "placeholder=\"Filter paragraphs\" aria-label=\"Filter paragraphs\">"
              "<span id=\"filter-count\"></span></p>\n");
    blocks_begin(&it, doc);
    while (blocks_next(&it, &b)) {
        if (b.kind == BLOCK_PARAGRAPH) {
            paragraph(o, doc, &b, &scratch);
        } else if (b.kind == BLOCK_CHAPTER) {
            sink_printf(o, "<h3 id=\"chapter-%zu\">", b.chapter + 1);
            escape_str(o, td_doc_chapter_title(doc, b.chapter));
            sink_puts(o, "</h3>\n");
        } else {
            sink_printf(o, "<h4 id=\"h-%zu\">", b.first);
            escape_str(o, td_segment_text(td_doc_segment(doc, b.first), NULL));
            sink_puts(o, "</h4>\n");
        }
    }
    sink_puts(o, "</section>\n");
    td_buf_free(&scratch);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    sink o;
    (void)state;
    td_output *out = td_export_open(doc, "html", err);
    if (out == NULL)
        return -1;
    sink_open(&o, out);
    head(&o, doc);
    summary(&o, doc);
    chapters(&o, doc);
    talk_chart(&o, doc);
    transcript(&o, doc);
    sink_puts(&o, "</main>\n<script>\n");
    sink_puts(&o, SCRIPT);
    sink_puts(&o, "</script>\n</body>\n</html>\n");
    if (sink_close(&o) != 0)
        return td_error_set(err, "cannot write the HTML output (out of memory "
                            "or disk full)");
    return 0;
}

static const td_plugin html = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "html",
    .version = "1.0",
    .summary = "one self-contained page: summary, chapters, talk-time chart, filter",
    .run = run,
};

TD_PLUGIN_DEFINE(html)
