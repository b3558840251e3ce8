/*
 * explain.c - see explain.h.
 *
 * Each stage is shown by comparing the segments before it with the ones
 * after it: runs of equal segments are skipped and each run of changed
 * ones (a "change") is found by looking a few segments ahead for the point
 * where the two versions agree again.  Only the first few changes are
 * printed, cut to a line each, so the report stays readable on a whole
 * transcript.
 */
#include "explain.h"

#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLES 3          /* changes shown per stage */
#define EXAMPLE_SEGMENTS 2  /* segments shown per side of a change */
#define WINDOW 12           /* segments looked ahead to find agreement again */
#define WIDTH 100           /* bytes of a segment's text shown */

/* A segment as it was, its strings in the snapshot's pool. */
typedef struct snap_seg {
    td_ms start;
    int speaker;
    td_seg_kind kind;
    size_t text, len, label;    /* label: (size_t)-1 when none */
} snap_seg;

typedef struct snapshot {
    snap_seg *v;
    size_t n, cap;
    td_buf pool;
    size_t words;
} snapshot;

typedef struct explain {
    FILE *out;
    const char *file;
    snapshot before, after;
    int rc;
} explain;

/* ---- snapshots ------------------------------------------------------------- */

static int snap_add(snapshot *sn, const td_segment *seg)
{
    if (sn->n == sn->cap) {
        size_t cap = sn->cap ? sn->cap * 2 : 256;
        snap_seg *v = realloc(sn->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        sn->v = v;
        sn->cap = cap;
    }
    size_t len;
    const char *text = td_segment_text(seg, &len);
    const char *label = td_segment_label(seg);
    snap_seg *g = &sn->v[sn->n++];
    *g = (snap_seg){ td_segment_start(seg), td_segment_speaker(seg),
                     td_segment_kind(seg), sn->pool.len, len, (size_t)-1 };
    int rc = td_buf_append(&sn->pool, text, len) | td_buf_putc(&sn->pool, '\0');
    if (label != NULL) {
        g->label = sn->pool.len;
        rc |= td_buf_append(&sn->pool, label, strlen(label) + 1);
    }
    if (g->kind == TD_SEG_SPEECH)
        sn->words += td_text_word_count(text, len);
    return rc ? -ENOMEM : 0;
}

static int snap_take(snapshot *sn, const td_doc *doc)
{
    sn->n = 0;
    sn->words = 0;
    td_buf_reset(&sn->pool);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++)
        if (snap_add(sn, td_doc_segment(doc, i)) != 0)
            return -ENOMEM;
    return 0;
}

static void snap_free(snapshot *sn)
{
    free(sn->v);
    td_buf_free(&sn->pool);
}

static const char *snap_text(const snapshot *sn, const snap_seg *g)
{
    return sn->pool.data + g->text;
}

static bool same_seg(const snapshot *a, size_t i, const snapshot *b, size_t j)
{
    const snap_seg *x = &a->v[i], *y = &b->v[j];
    return x->start == y->start && x->speaker == y->speaker && x->kind == y->kind &&
           x->len == y->len && memcmp(snap_text(a, x), snap_text(b, y), x->len) == 0;
}

/* ---- printing ------------------------------------------------------------------ */

/* Steps back from byte i of text to the start of its character. */
static size_t char_start(const char *text, size_t i)
{
    while (i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/*
 * Prints at most WIDTH bytes of text, starting a little before byte focus
 * (where it differs from the other version) so that the change shows.
 */
static void print_clipped(FILE *out, const char *text, size_t len, size_t focus)
{
    size_t from = focus > WIDTH / 3 ? char_start(text, focus - WIDTH / 3) : 0;
    if (len - from <= WIDTH && from == 0) {
        fwrite(text, 1, len, out);
        return;
    }
    if (from > 0)
        fputs("\u2026", out);
    size_t n = len - from <= WIDTH ? len - from : char_start(text, from + WIDTH) - from;
    fwrite(text + from, 1, n, out);
    if (from + n < len)
        fputs("\u2026", out);
}

static void print_seg(const explain *ex, const td_doc *doc, char sign,
                      const snapshot *sn, size_t i, size_t focus)
{
    const snap_seg *g = &sn->v[i];
    char t[24];
    fprintf(ex->out, "      %c %8s  ", sign,
            g->start >= 0 ? td_time_format(g->start, true, t) : "-");
    if (g->kind == TD_SEG_EVENT)
        fprintf(ex->out, "[%s] ", g->label != (size_t)-1 ? sn->pool.data + g->label
                                                           : "event");
    else if (g->kind == TD_SEG_HEADING)
        fputs("# ", ex->out);
    if (g->speaker >= 0)
        fprintf(ex->out, "%s: ", td_doc_speaker_name(doc, g->speaker));
    print_clipped(ex->out, snap_text(sn, g), g->len, focus);
    fputc('\n', ex->out);
}

/* Prints a side of a change; its first segment around byte focus. */
static void print_side(const explain *ex, const td_doc *doc, char sign,
                       const snapshot *sn, size_t from, size_t n, size_t focus)
{
    for (size_t k = 0; k < n && k < EXAMPLE_SEGMENTS; k++)
        print_seg(ex, doc, sign, sn, from + k, k == 0 ? focus : 0);
    if (n > EXAMPLE_SEGMENTS)
        fprintf(ex->out, "      %c %8s  (%zu more)\n", sign, "", n - EXAMPLE_SEGMENTS);
}

/* Where the first segments of a change start to differ, in bytes. */
static size_t first_difference(const snapshot *x, size_t i, const snapshot *y, size_t j)
{
    if (i >= x->n || j >= y->n)
        return 0;
    const char *a = snap_text(x, &x->v[i]), *b = snap_text(y, &y->v[j]);
    size_t n = 0, most = x->v[i].len < y->v[j].len ? x->v[i].len : y->v[j].len;
    while (n < most && a[n] == b[n])
        n++;
    return n;
}

/* The counts the plugin recorded, on one line; false when all are 0. */
static bool print_counts(const explain *ex, td_doc *doc, const char *plugin)
{
    json_t *mine = json_object_get(td__doc_changes(doc), plugin);
    const char *what;
    json_t *n;
    bool any = false;
    json_object_foreach(mine, what, n) {
        if (json_integer_value(n) == 0)
            continue;
        fprintf(ex->out, "%s%s %lld", any ? ", " : "               ", what,
                (long long)json_integer_value(n));
        any = true;
    }
    if (any)
        fputc('\n', ex->out);
    return any;
}

/* ---- comparing ------------------------------------------------------------------- */

/*
 * From before[i] and after[j] (which differ), the shortest pair of steps
 * (*a, *b) after which the two agree again, looking WINDOW ahead; the rest
 * of both when they never do.
 */
static void resync(const snapshot *x, size_t i, const snapshot *y, size_t j,
                   size_t *a, size_t *b)
{
    for (size_t sum = 1; sum <= 2 * WINDOW; sum++)
        for (size_t da = 0; da <= sum && da <= WINDOW; da++) {
            size_t db = sum - da;
            if (db <= WINDOW && i + da < x->n && j + db < y->n &&
                same_seg(x, i + da, y, j + db)) {
                *a = da;
                *b = db;
                return;
            }
        }
    *a = x->n - i;
    *b = y->n - j;
}

/* Prints the first changes between the snapshots; returns how many. */
static size_t print_changes(const explain *ex, const td_doc *doc)
{
    const snapshot *x = &ex->before, *y = &ex->after;
    size_t i = 0, j = 0, changes = 0;
    while (i < x->n || j < y->n) {
        if (i < x->n && j < y->n && same_seg(x, i, y, j)) {
            i++, j++;
            continue;
        }
        size_t a, b;
        resync(x, i, y, j, &a, &b);
        if (changes++ < EXAMPLES) {
            size_t focus = first_difference(x, i, y, j);
            print_side(ex, doc, '-', x, i, a, focus);
            print_side(ex, doc, '+', y, j, b, focus);
        }
        i += a;
        j += b;
    }
    if (changes > EXAMPLES)
        fprintf(ex->out, "      (%zu more changes)\n", changes - EXAMPLES);
    return changes;
}

/* ---- the watch --------------------------------------------------------------------- */

static bool before_stage(void *ctx, const stage *s, td_doc *doc)
{
    explain *ex = ctx;
    if (s->p->kind == TD_EXPORTER)
        return false;               /* nothing is written */
    if (s->p->kind != TD_PARSER && snap_take(&ex->before, doc) != 0)
        ex->rc = -ENOMEM;
    return true;
}

static void after_stage(void *ctx, const stage *s, td_doc *doc)
{
    explain *ex = ctx;
    if (ex->rc != 0 || snap_take(&ex->after, doc) != 0) {
        ex->rc = -ENOMEM;
        return;
    }
    if (s->p->kind == TD_PARSER) {
        const char *title = td_doc_title(doc);
        fprintf(ex->out, "%s: %s, %zu segments, %zu words%s%s%s\n", ex->file,
                td_doc_format(doc), ex->after.n, ex->after.words,
                title ? ", title \"" : "", title ? title : "", title ? "\"" : "");
        return;
    }
    fprintf(ex->out, "  %-12s %-10s %zu -> %zu segments, %zu -> %zu words\n",
            s->p->name, kind_name(s->p->kind), ex->before.n, ex->after.n,
            ex->before.words, ex->after.words);
    bool counted = print_counts(ex, doc, s->p->name);
    if (print_changes(ex, doc) == 0 && !counted)
        fprintf(ex->out, "               no changes\n");
}

/* ---- files ---------------------------------------------------------------------------- */

static char *read_file(const char *path, long long max_size, size_t *len)
{
    FILE *f = fopen(path, "rb");
    td_buf b = TD_BUF_INIT;
    char chunk[65536];
    size_t n;
    if (f == NULL) {
        fprintf(stderr, "transcriptd: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if ((max_size > 0 && (long long)(b.len + n) > max_size) ||
            td_buf_append(&b, chunk, n) != 0) {
            fprintf(stderr, "transcriptd: %s: larger than max_file_size\n", path);
            td_buf_free(&b);
            fclose(f);
            return NULL;
        }
    }
    fclose(f);
    *len = b.len;
    return b.data ? b.data : calloc(1, 1);
}

static int explain_file(const chain *ch, const char *path, long long max_size,
                        explain *ex)
{
    size_t len = 0;
    td_error err = { "" };
    char *bytes = read_file(path, max_size, &len);
    if (bytes == NULL)
        return -1;
    const char *slash = strrchr(path, '/');
    td_doc *doc = td_doc_new(slash ? slash + 1 : path, bytes, len, &err);
    free(bytes);
    if (doc == NULL) {
        fprintf(stderr, "transcriptd: %s: %s\n", path, err.message);
        return -1;
    }
    chain_watch w = { before_stage, after_stage, ex };
    chain_failure f = { "core", "parse", "" };
    ex->file = path;
    ex->rc = 0;
    int rc = chain_run(ch, doc, &w, &f);
    if (rc != 0)
        fprintf(stderr, "transcriptd: %s: %s (%s): %s\n", path, f.plugin, f.stage,
                f.message);
    else if (ex->rc != 0)
        fprintf(stderr, "transcriptd: %s: out of memory\n", path);
    td_doc_free(doc);
    return rc != 0 || ex->rc != 0 ? -1 : 0;
}

int explain_files(const chain *ch, char **files, int n, long long max_size, FILE *out)
{
    explain ex = { .out = out, .before = { .pool = TD_BUF_INIT },
                   .after = { .pool = TD_BUF_INIT } };
    int failed = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            fputc('\n', out);
        failed += explain_file(ch, files[i], max_size, &ex) != 0;
    }
    snap_free(&ex.before);
    snap_free(&ex.after);
    return failed;
}
