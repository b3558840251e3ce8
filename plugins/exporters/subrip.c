/*
 * subrip.c - captions as SubRip: OUTBOX/STEM.srt.
 *
 * The segments are re-cut into readable cues (common/cues.h): at most two
 * lines of about 42 characters, 1 to 7 seconds, no overlaps.  When two or
 * more people speak, a cue that starts a speaker's turn begins with
 * "Name: ".  Segments without a time cannot be placed: they are left out
 * with a warning, and a document with no time at all fails the export
 * (or, with untimed = skip, gets no .srt and a warning).
 */
#include <transcriptd/transcriptd.h>

#include "common/cues.h"

#include <stdlib.h>
#include <string.h>

static const td_option options[] = {
    CUE_OPTIONS("srt"),
    { "speaker_labels", TD_OPT_BOOL, "yes", "start each speaker's turn with \"Name: \" (two or more speakers)" },
    { NULL, 0, NULL, NULL },
};

typedef struct subrip_state {
    cue_limits lim;
    bool labels;
    bool skip_untimed;
} subrip_state;

static int init(void **state, const td_options *opts, td_error *err)
{
    subrip_state st;
    if (cue_options_read(opts, &st.lim, &st.skip_untimed, err) != 0)
        return -1;
    st.labels = td_opt_bool(opts, "speaker_labels");
    subrip_state *copy = malloc(sizeof(*copy));
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

static int write_cues(td_output *out, const cue_list *l)
{
    char a[24], b[24];
    int rc = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++) {
        const cue *c = &l->v[i];
        const char *t = cue_text(l, c);
        size_t first = c->line2 ? c->line2 - 1 : c->len;
        rc |= td_output_printf(out, "%zu\n%s --> %s\n", i + 1, cue_time(c->start, ',', a),
                               cue_time(c->end, ',', b));
        rc |= td_output_write(out, t, first);
        if (c->line2) {
            rc |= td_output_puts(out, "\n");
            rc |= td_output_write(out, t + c->line2, c->len - c->line2);
        }
        rc |= td_output_puts(out, "\n\n");
    }
    return rc;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const subrip_state *st = state;
    cue_limits lim = st->lim;
    cue_list l;

    lim.label_turns = st->labels && td_doc_speaker_count(doc) >= 2;
    if (cues_build(doc, &lim, &l) != 0) {
        cues_free(&l);
        return td_error_set(err, "out of memory");
    }
    int rc = 0;
    if (l.n == 0 && l.untimed > 0) {
        if (st->skip_untimed)
            td_doc_warn(doc, "subrip: no segment has a time; no captions written");
        else
            rc = td_error_set(err, "no segment has a start time, and captions need "
                              "times (set [subrip] untimed = skip to write none)");
        cues_free(&l);
        return rc;
    }
    if (l.untimed > 0)
        td_doc_warn(doc, "subrip: %zu segments without a time left out of the captions",
                    l.untimed);
    td_output *out = td_export_open(doc, "srt", err);
    if (out == NULL)
        rc = -1;
    else if (write_cues(out, &l) != 0)
        rc = td_error_set(err, "cannot write the SubRip output");
    cues_free(&l);
    return rc;
}

static const td_plugin subrip = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "subrip",
    .version = "1.0",
    .summary = "SubRip captions re-cut into readable cues (2 lines, 1-7 s)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(subrip)
