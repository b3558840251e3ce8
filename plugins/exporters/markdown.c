/*
 * markdown.c - a readable document: OUTBOX/STEM.md.
 *
 * Title, date, speakers, summary, key phrases and chapters with their
 * times, then the transcript: chapter headings, and speaker paragraphs
 * that start with their [h:mm:ss] time.  Parts the document lacks (times,
 * speakers, a summary) are left out rather than shown empty.  Text from
 * the transcript is escaped so that it reads as written, never as
 * Markdown.
 */
#include <transcriptd/transcriptd.h>

#include "common/paragraphs.h"
#include "common/sink.h"

#include <string.h>

static const td_option options[] = {
    { "times", TD_OPT_BOOL, "yes", "start each paragraph with its [h:mm:ss] time" },
    { NULL, 0, NULL, NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    (void)err;
    /* The one setting fits in the state pointer itself: nothing to free. */
    *state = td_opt_bool(opts, "times") ? (void *)1 : NULL;
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Where s, at the start of a line, would open a block (heading, list item,
 * quote, rule, table): the offset of the character to escape, or -1.
 * "1." and "1)" are escaped at the punctuation: a backslash before a digit
 * is no escape at all.
 */
static long block_mark(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0)
        return -1;
    if (strchr("#>+-=|", s[0]))
        return 0;
    while (i < len && is_digit(s[i]))
        i++;
    return i > 0 && i < len && (s[i] == '.' || s[i] == ')') ? (long)i : -1;
}

/*
 * Writes s with a backslash before every character Markdown would read
 * as markup.  line_start: s begins a line, where "#", "-" or "1." would
 * start a block.
 */
static void escape(sink *o, const char *s, size_t len, bool line_start)
{
    long mark = line_start ? block_mark(s, len) : -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        /* "&name;" and "&#1;" would be read as entities; "Q&A" is fine. */
        bool entity = c == '&' && i + 1 < len &&
                      (s[i + 1] == '#' || is_alpha(s[i + 1])) &&
                      memchr(s + i, ';', len - i) != NULL;
        if ((c != '\0' && strchr("\\`*_[]<>~", c) != NULL) || entity ||
            (long)i == mark)
            sink_putc(o, '\\');
        sink_putc(o, c);
    }
}

static void escape_str(sink *o, const char *s)
{
    escape(o, s, strlen(s), false);
}

/* "[h:mm:ss] " when the time is known. */
static void time_mark(sink *o, td_ms ms)
{
    char t[24];
    if (ms >= 0)
        sink_printf(o, "[%s] ", clock_time(ms, t));
}

static void header(sink *o, td_doc *doc)
{
    char t[24];
    const char *title = td_doc_title(doc);
    td_ms duration = doc_duration(doc);

    sink_puts(o, "# ");
    escape_str(o, title ? title : td_doc_source_name(doc));
    sink_puts(o, "\n\n");
    if (td_doc_date(doc)) {
        sink_puts(o, "- **Date:** ");
        escape_str(o, td_doc_date(doc));
        sink_putc(o, '\n');
    }
    sink_puts(o, "- **Source:** ");
    escape_str(o, td_doc_source_name(doc));
    sink_putc(o, '\n');
    if (duration >= 0)
        sink_printf(o, "- **Duration:** %s\n", clock_time(duration, t));
    if (td_doc_speaker_count(doc) > 0) {
        sink_puts(o, "- **Speakers:** ");
        for (size_t i = 0; i < td_doc_speaker_count(doc); i++) {
            if (i)
                sink_puts(o, ", ");
            escape_str(o, td_doc_speaker_name(doc, (int)i));
        }
        sink_putc(o, '\n');
    }
    sink_putc(o, '\n');
}

static void speaker_label(sink *o, const char *who)
{
    sink_puts(o, "**");
    escape_str(o, who);
    sink_puts(o, ":** ");
}

static void summary(sink *o, const td_doc *doc)
{
    size_t n = td_doc_summary_count(doc), k = td_doc_keyword_count(doc);
    if (n > 0) {
        sink_puts(o, "## Summary\n\n");
        for (size_t i = 0; i < n; i++) {
            const char *who = speaker_name(doc, td_doc_summary_speaker(doc, i));
            sink_puts(o, "- ");
            time_mark(o, td_doc_summary_start(doc, i));
            if (who)
                speaker_label(o, who);
            escape_str(o, td_doc_summary_text(doc, i));
            sink_putc(o, '\n');
        }
        sink_putc(o, '\n');
    }
    if (k > 0) {
        sink_puts(o, "**Key phrases:** ");
        for (size_t i = 0; i < k; i++) {
            if (i)
                sink_puts(o, ", ");
            escape_str(o, td_doc_keyword(doc, i, NULL));
        }
        sink_puts(o, "\n\n");
    }
}

static void chapters(sink *o, const td_doc *doc)
{
    size_t n = td_doc_chapter_count(doc);
    if (n == 0)
        return;
    sink_puts(o, "## Chapters\n\n");
    for (size_t i = 0; i < n; i++) {
        sink_printf(o, "%zu. ", i + 1);
        time_mark(o, td_doc_chapter_start(doc, i));
        escape_str(o, td_doc_chapter_title(doc, i));
        sink_putc(o, '\n');
    }
    sink_putc(o, '\n');
}

static void paragraph(sink *o, const td_doc *doc, const block *blk, bool times,
                      td_buf *scratch)
{
    const char *who = speaker_name(doc, blk->speaker);
    bool line_start = true;

    td_buf_reset(scratch);
    if (block_text(doc, blk, scratch) != 0)
        o->failed = true;
    if (scratch->len == 0)
        return;
    if (times && blk->start >= 0) {
        time_mark(o, blk->start);
        line_start = false;
    }
    if (who) {
        speaker_label(o, who);
        line_start = false;
    }
    escape(o, scratch->data, scratch->len, line_start);
    sink_puts(o, "\n\n");
}

static void transcript(sink *o, const td_doc *doc, bool times)
{
    td_buf scratch = TD_BUF_INIT;
    block_iter it;
    block blk;

    sink_puts(o, "## Transcript\n\n");
    blocks_begin(&it, doc);
    while (blocks_next(&it, &blk)) {
        if (blk.kind == BLOCK_PARAGRAPH) {
            paragraph(o, doc, &blk, times, &scratch);
        } else if (blk.kind == BLOCK_CHAPTER) {
            sink_puts(o, "### ");
            escape_str(o, td_doc_chapter_title(doc, blk.chapter));
            sink_puts(o, "\n\n");
        } else {
            sink_puts(o, "#### ");
            escape_str(o, td_segment_text(td_doc_segment(doc, blk.first), NULL));
            sink_puts(o, "\n\n");
        }
    }
    td_buf_free(&scratch);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    sink o;
    td_output *out = td_export_open(doc, "md", err);
    if (out == NULL)
        return -1;
    sink_open(&o, out);
    header(&o, doc);
    summary(&o, doc);
    chapters(&o, doc);
    transcript(&o, doc, state != NULL);
    if (sink_close(&o) != 0)
        return td_error_set(err, "cannot write the Markdown output (out of "
                            "memory or disk full)");
    return 0;
}

static const td_plugin markdown = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "markdown",
    .version = "1.0",
    .summary = "a readable Markdown document: summary, chapters, speaker paragraphs",
    .options = options,
    .init = init,
    .run = run,
};

TD_PLUGIN_DEFINE(markdown)
