/*
 * webvtt.c - captions as WebVTT: OUTBOX/STEM.vtt.
 *
 * The same cues as the subrip exporter (common/cues.h), with the speaker of
 * each cue as a voice span, <v Name>, and the text escaped for WebVTT.
 * Segments without a time are left out with a warning; a document with
 * no time at all fails the export (or, with untimed = skip, gets no .vtt
 * and a warning).
 */
#include <transcriptd/transcriptd.h>

#include "common/cues.h"

#include <stdlib.h>
#include <string.h>

static const td_option options[] = {
    CUE_OPTIONS("vtt"),
    { "voices", TD_OPT_BOOL, "yes", "mark each cue's speaker with <v Name>" },
    { NULL, 0, NULL, NULL },
};

typedef struct webvtt_state {
    cue_limits lim;
    bool voices;
    bool skip_untimed;
} webvtt_state;

static int init(void **state, const td_options *opts, td_error *err)
{
    webvtt_state st;
    if (cue_options_read(opts, &st.lim, &st.skip_untimed, err) != 0)
        return -1;
    st.voices = td_opt_bool(opts, "voices");
    webvtt_state *copy = malloc(sizeof(*copy));
    if (copy == NULL)
        return td_error_set(err, "out of memory");
    *copy = st;
    *state = copy;
    return 0;
}

static void fini(void *state)
{
    free(state);
}

/* WebVTT cue text: &, < and > are markup, so they are escaped. */
static void escape(td_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': td_buf_append(b, "&amp;", 5); break;
        case '<': td_buf_append(b, "&lt;", 4); break;
        case '>': td_buf_append(b, "&gt;", 4); break;
        default: td_buf_putc(b, s[i]);
        }
    }
}

static int write_cue(td_output *out, const td_doc *doc, const cue_list *l,
                     const cue *c, bool voices, td_buf *b)
{
    char t0[24], t1[24];
    const char *t = cue_text(l, c);
    const char *name = voices && c->speaker != TD_NO_SPEAKER
                       ? td_doc_speaker_name(doc, c->speaker) : NULL;

    td_buf_reset(b);
    td_buf_printf(b, "%s --> %s\n", cue_time(c->start, '.', t0), cue_time(c->end, '.', t1));
    if (name != NULL) {
        td_buf_append(b, "<v ", 3);
        escape(b, name, strlen(name));
        td_buf_putc(b, '>');
    }
    escape(b, t, c->line2 ? c->line2 - 1 : c->len);
    if (c->line2) {
        td_buf_putc(b, '\n');
        escape(b, t + c->line2, c->len - c->line2);
    }
    if (td_buf_append(b, "\n\n", 2) != 0)
        return -1;
    return td_output_write(out, b->data, b->len);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const webvtt_state *st = state;
    cue_list l;
    int rc = 0;

    if (cues_build(doc, &st->lim, &l) != 0) {
        cues_free(&l);
        return td_error_set(err, "out of memory");
    }
    if (l.n == 0 && l.untimed > 0) {
        if (st->skip_untimed)
            td_doc_warn(doc, "webvtt: no segment has a time; no captions written");
        else
            rc = td_error_set(err, "no segment has a start time, and captions need "
                              "times (set [webvtt] untimed = skip to write none)");
        cues_free(&l);
        return rc;
    }
    if (l.untimed > 0)
        td_doc_warn(doc, "webvtt: %zu segments without a time left out of the captions",
                    l.untimed);
    td_output *out = td_export_open(doc, "vtt", err);
    td_buf b = TD_BUF_INIT;
    if (out == NULL) {
        rc = -1;
    } else {
        rc = td_output_puts(out, "WEBVTT\n\n");
        for (size_t i = 0; i < l.n && rc == 0; i++)
            rc = write_cue(out, doc, &l, &l.v[i], st->voices, &b);
        if (rc != 0)
            rc = td_error_set(err, "cannot write the WebVTT output");
    }
    td_buf_free(&b);
    cues_free(&l);
    return rc;
}

static const td_plugin webvtt = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "webvtt",
    .version = "1.0",
    .summary = "WebVTT captions with <v Speaker> voices, re-cut into readable cues",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(webvtt)
