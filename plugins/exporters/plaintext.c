/*
 * plaintext.c - the transcript as plain text: OUTBOX/STEM.txt.
 *
 * The title underlined, then one paragraph per speaker turn, each
 * "[h:mm:ss] Name: text" on one line (an editor wraps it; grep finds it),
 * with chapter titles between them.  No markup, no escaping.
 */
#include <transcriptd/transcriptd.h>

#include "common/paragraphs.h"
#include "common/sink.h"

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

/* The title and a line of '=' as long as it (in characters). */
static void title(sink *o, const td_doc *doc)
{
    const char *t = td_doc_title(doc) ? td_doc_title(doc) : td_doc_source_name(doc);
    size_t n = 0;
    sink_puts(o, t);
    sink_putc(o, '\n');
    for (const char *p = t; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    for (size_t i = 0; i < n; i++)
        sink_putc(o, '=');
    sink_puts(o, "\n\n");
}

static void paragraph(sink *o, const td_doc *doc, const block *b, bool times,
                      td_buf *scratch)
{
    char t[24];
    const char *who = speaker_name(doc, b->speaker);

    td_buf_reset(scratch);
    if (block_text(doc, b, scratch) != 0)
        o->failed = true;
    if (scratch->len == 0)
        return;
    if (times && b->start >= 0)
        sink_printf(o, "[%s] ", clock_time(b->start, t));
    if (who) {
        sink_puts(o, who);
        sink_puts(o, ": ");
    }
    sink_write(o, scratch->data, scratch->len);
    sink_puts(o, "\n\n");
}

static int run(void *state, td_doc *doc, td_error *err)
{
    td_buf scratch = TD_BUF_INIT;
    block_iter it;
    block b;
    sink o;
    td_output *out = td_export_open(doc, "txt", err);

    if (out == NULL)
        return -1;
    sink_open(&o, out);
    title(&o, doc);
    blocks_begin(&it, doc);
    while (blocks_next(&it, &b)) {
        if (b.kind == BLOCK_PARAGRAPH) {
            paragraph(&o, doc, &b, state != NULL, &scratch);
            continue;
        }
        const char *heading = b.kind == BLOCK_CHAPTER
                              ? td_doc_chapter_title(doc, b.chapter)
                              : td_segment_text(td_doc_segment(doc, b.first), NULL);
        sink_puts(&o, "== ");
        sink_puts(&o, heading);
        sink_puts(&o, " ==\n\n");
    }
    td_buf_free(&scratch);
    if (sink_close(&o) != 0)
        return td_error_set(err, "cannot write the text output (out of memory "
                            "or disk full)");
    return 0;
}

static const td_plugin plaintext = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "plaintext",
    .version = "1.0",
    .summary = "plain text: speaker-labelled paragraphs with times and chapter titles",
    .options = options,
    .init = init,
    .run = run,
};

TD_PLUGIN_DEFINE(plaintext)
