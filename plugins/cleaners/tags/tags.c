/*
 * tags.c - bracketed annotations leave the speech and become events.
 *
 * "[chuckles]", "[cross-talk]", "(applause)" are not words anybody said:
 * they become non-speech segments (kind event) labelled by conf/tags.vocab,
 * at the time of the segment they were in, and "[Sara agrees]" is given to
 * the speaker Sara.  A short bracketed word the vocabulary does not know is
 * the transcriber's guess at a word ("[cache]"): it stays in the text as a
 * plain word and is listed under "uncertain" in the document's meta.
 *
 * Events go right after the speech segment they were in (before it when
 * the annotation opened the segment).  Parentheses are only taken when
 * their words are in the vocabulary: "(in 2017)" is prose.
 */
#include "vocab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest annotation looked at, in bytes: a "[" further off is prose. */
#define MAX_TAG 96

typedef struct tags_state {
    vocab v;
    bool parentheses;
    long uncertain_words;
} tags_state;

static const td_option options[] = {
    { "vocabulary", TD_OPT_STRING, "conf/tags.vocab",
      "file of 'label: phrase, phrase' lines naming what annotations mean" },
    { "parentheses", TD_OPT_BOOL, "yes",
      "also take (laughs) and the like; only words from the vocabulary" },
    { "uncertain_words", TD_OPT_INT, "2",
      "an unknown [annotation] of at most this many words is an uncertain guess "
      "kept in the text; longer ones become 'note' events" },
    { NULL, 0, NULL, NULL },
};

static void fini(void *state)
{
    tags_state *st = state;
    if (st == NULL)
        return;
    vocab_free(&st->v);
    free(st);
}

static int init(void **state, const td_options *opts, td_error *err)
{
    tags_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->parentheses = td_opt_bool(opts, "parentheses");
    st->uncertain_words = td_opt_int(opts, "uncertain_words");
    if (vocab_load(&st->v, td_opt_path(opts, "vocabulary"), err) != 0) {
        fini(st);
        return -1;
    }
    *state = st;
    return 0;
}

/* ---- one segment ------------------------------------------------------------- */

typedef struct event {
    int label;
    int speaker;
    size_t text, len;       /* in the run's event text buffer */
    bool before;            /* the annotation opened the segment */
} event;

/* What run() keeps between segments: scratch space reused for each. */
typedef struct scratch {
    td_buf out;             /* the speech text without annotations */
    td_buf evtext;          /* event texts, one after the other */
    td_buf lower;           /* an annotation in lower case */
    event *ev;
    size_t nev, cap;
    long *counts;           /* per label */
    long uncertain;
    json_t *uncertain_list;
    int rc;
} scratch;

static void add_event(scratch *sc, int label, int speaker, const char *text,
                      size_t len, bool before)
{
    if (sc->nev == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16;
        event *e = realloc(sc->ev, cap * sizeof(*e));
        if (e == NULL) {
            sc->rc = -ENOMEM;
            return;
        }
        sc->ev = e;
        sc->cap = cap;
    }
    sc->ev[sc->nev++] = (event){ label, speaker, sc->evtext.len, len, before };
    sc->rc |= td_buf_append(&sc->evtext, text, len);
}

/* The speaker a name in an annotation means: a known one, else a new one. */
static int speaker_named(td_doc *doc, const char *name, size_t len)
{
    for (size_t i = 0; i < td_doc_speaker_count(doc); i++) {
        const char *id = td_doc_speaker_id(doc, (int)i);
        const char *full = td_doc_speaker_name(doc, (int)i);
        if ((strlen(id) == len && strncasecmp(id, name, len) == 0) ||
            (strncasecmp(full, name, len) == 0 && (full[len] == '\0' || full[len] == ' ')))
            return (int)i;
    }
    int s = td_doc_speaker(doc, name, len);
    return s < 0 ? TD_NO_SPEAKER : s;
}

static bool out_has_words(const td_buf *out)
{
    for (size_t i = 0; i < out->len; i++)
        if (out->data[i] != ' ')
            return true;
    return false;
}

static void trim_end(td_buf *out)
{
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
}

/* Where the annotation opened at text[i] closes, or 0 if it does not. */
static size_t closing(const char *text, size_t len, size_t i)
{
    char open = text[i], close = open == '[' ? ']' : ')';
    for (size_t j = i + 1; j < len && j - i <= MAX_TAG; j++) {
        if (text[j] == close)
            return j;
        if (text[j] == open || text[j] == '\n')
            return 0;
    }
    return 0;
}

/* Records a guessed word for the meta "uncertain" list. */
static void note_uncertain(td_doc *doc, scratch *sc, const td_segment *seg,
                           const char *word, size_t len)
{
    int speaker = td_segment_speaker(seg);
    td_ms start = td_segment_start(seg);
    json_t *o = json_pack("{s:s%, s:o, s:o}", "word", word, len,
                          "start", start < 0 ? json_null() : json_real(start / 1000.0),
                          "speaker", speaker < 0 ? json_null()
                                     : json_string(td_doc_speaker_id(doc, speaker)));
    if (o == NULL || json_array_append_new(sc->uncertain_list, o) != 0)
        sc->rc = -ENOMEM;
    sc->uncertain++;
}

/* Punctuation that closes what came before: no space in front of it. */
static bool closer_at(const char *text, size_t len, size_t j)
{
    if (j < len && strchr(",.;:!?)", text[j]) != NULL)
        return true;
    return j + 3 <= len && memcmp(text + j, "\u2026", 3) == 0;    /* … */
}

/* Steps over an annotation that was taken out, keeping spacing right. */
static size_t skip_removed(const char *text, size_t len, size_t j, scratch *sc)
{
    while (j < len && text[j] == ' ')
        j++;
    bool words = out_has_words(&sc->out);
    if (j == len || closer_at(text, len, j)) {
        trim_end(&sc->out);
        /* ", so on" after an annotation that opened the segment: drop the comma. */
        if (!words)
            while (j < len && strchr(",;:", text[j]) != NULL)
                j++;
        while (j < len && text[j] == ' ' && !words)
            j++;
    } else if (sc->out.len > 0 && sc->out.data[sc->out.len - 1] != ' ') {
        sc->rc |= td_buf_putc(&sc->out, ' ');
    }
    return j;
}

/*
 * Where the annotation that text[i] opens closes, or 0 when text[i] opens
 * none: not a bracket, never closed, or a Markdown link "[text](url)".
 */
static size_t annotation_at(const tags_state *st, const char *text, size_t len, size_t i)
{
    char c = text[i];
    if (c != '[' && !(c == '(' && st->parentheses))
        return 0;
    size_t j = closing(text, len, i);
    if (j == 0 || (c == '[' && j + 1 < len && text[j + 1] == '('))
        return 0;
    return j;
}

/* What the annotation text[i..j] is; *raw and *n get its words. */
static verdict judge(const tags_state *st, const char *text, size_t i, size_t j,
                     const char **raw, size_t *n, td_buf *lower, int *rc)
{
    *raw = text + i + 1;
    *n = j - i - 1;
    while (*n > 0 && **raw == ' ')
        (*raw)++, (*n)--;
    while (*n > 0 && (*raw)[*n - 1] == ' ')
        (*n)--;
    if (looks_like_data(*raw, *n))
        return (verdict){ LEAVE, LABEL_NONE, NULL, 0 };
    td_buf_reset(lower);
    if ((*rc |= td_buf_append(lower, *raw, *n)) != 0)
        return (verdict){ LEAVE, LABEL_NONE, NULL, 0 };
    lower_ascii(lower->data, *n);
    return classify(&st->v, st->uncertain_words, *raw, lower->data, *n, text[i] == '[');
}

/* The next byte from i on that may open an annotation, or len. */
static size_t next_opening(const tags_state *st, const char *text, size_t len, size_t i)
{
    const char *b = memchr(text + i, '[', len - i);
    const char *p = st->parentheses ? memchr(text + i, '(', len - i) : NULL;
    if (b == NULL || (p != NULL && p < b))
        b = p;
    return b ? (size_t)(b - text) : len;
}

/* Whether an annotation of text becomes an event (so that segments move). */
static bool makes_event(const tags_state *st, const char *text, size_t len, scratch *sc)
{
    for (size_t i = next_opening(st, text, len, 0); i < len;
         i = next_opening(st, text, len, i + 1)) {
        size_t j = annotation_at(st, text, len, i), n;
        const char *raw;
        if (j > 0 && judge(st, text, i, j, &raw, &n, &sc->lower, &sc->rc).what == EVENT)
            return true;
    }
    return false;
}

/* Takes one annotation text[i..j] (brackets included); returns where to go on. */
static size_t take(const tags_state *st, td_doc *doc, const td_segment *seg,
                   const char *text, size_t len, size_t i, size_t j, scratch *sc)
{
    const char *raw;
    size_t n;
    verdict v = judge(st, text, i, j, &raw, &n, &sc->lower, &sc->rc);
    if (v.what == LEAVE)
        return i + 1;
    if (v.what == UNCERTAIN) {
        note_uncertain(doc, sc, seg, raw, n);
        sc->rc |= td_buf_append(&sc->out, raw, n);
        return j + 1;
    }
    int speaker = v.name ? speaker_named(doc, v.name, v.name_len) : TD_NO_SPEAKER;
    add_event(sc, v.label, speaker, raw, n, !out_has_words(&sc->out));
    sc->counts[v.label]++;
    return skip_removed(text, len, j + 1, sc);
}

/* Cleans one speech segment into sc->out and sc->ev; false if untouched. */
static bool clean_segment(const tags_state *st, td_doc *doc, const td_segment *seg,
                          scratch *sc)
{
    size_t len;
    const char *text = td_segment_text(seg, &len);
    size_t copied = 0;
    bool touched = false;

    td_buf_reset(&sc->out);
    td_buf_reset(&sc->evtext);
    sc->nev = 0;
    for (size_t i = next_opening(st, text, len, 0); i < len && sc->rc == 0;) {
        size_t j = annotation_at(st, text, len, i);
        if (j == 0) {
            i = next_opening(st, text, len, i + 1);
            continue;
        }
        sc->rc |= td_buf_append(&sc->out, text + copied, i - copied);
        size_t next = take(st, doc, seg, text, len, i, j, sc);
        if (next == i + 1)                  /* left as it was */
            sc->rc |= td_buf_putc(&sc->out, text[i]);
        else
            touched = true;
        copied = next;
        i = next < len ? next_opening(st, text, len, next) : len;
    }
    if (!touched)
        return false;
    sc->rc |= td_buf_append(&sc->out, text + copied, len - copied);
    trim_end(&sc->out);
    return true;
}

/* ---- the document ---------------------------------------------------------------- */

static bool may_hold(const tags_state *st, const char *t, size_t len)
{
    return memchr(t, '[', len) || (st->parentheses && memchr(t, '(', len));
}

/*
 * Cleans the segments where they are, as long as no annotation becomes an
 * event: guessed words become plain words, prose in parentheses stays.
 * Returns false at the first segment whose annotations make an event:
 * then the segments must be rebuilt to put events among them (those
 * cleaned so far hold no annotation any more).
 */
static bool clean_in_place(const tags_state *st, td_doc *doc, scratch *sc)
{
    for (size_t i = 0; i < td_doc_segment_count(doc) && sc->rc == 0; i++) {
        td_segment *seg = td_doc_segment(doc, i);
        size_t len;
        const char *t = td_segment_text(seg, &len);
        if (td_segment_kind(seg) != TD_SEG_SPEECH || !may_hold(st, t, len))
            continue;
        if (makes_event(st, t, len, sc))
            return false;
        if (clean_segment(st, doc, seg, sc) && sc->rc == 0)
            sc->rc = td_segment_set_text(doc, seg, sc->out.data, sc->out.len);
    }
    return true;
}

static void append_events(td_doc *doc, const tags_state *st, scratch *sc,
                          td_ms at, bool before)
{
    for (size_t k = 0; k < sc->nev && sc->rc == 0; k++) {
        const event *e = &sc->ev[k];
        if (e->before != before)
            continue;
        sc->rc = td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, e->speaker, TD_SEG_EVENT,
                                    sc->evtext.data + e->text, e->len);
        if (sc->rc == 0) {
            td_segment *s = td_doc_segment(doc, td_doc_segment_count(doc) - 1);
            sc->rc = td_segment_set_label(doc, s, st->v.labels[e->label]);
        }
    }
}

/* Appends segment i again, cleaned and with its events around it. */
static void rebuild_one(const tags_state *st, td_doc *doc, size_t i, scratch *sc)
{
    td_segment *seg = td_doc_segment(doc, i);
    td_ms start = td_segment_start(seg), end = td_segment_end(seg);
    int speaker = td_segment_speaker(seg);
    td_seg_kind kind = td_segment_kind(seg);
    const char *label = td_segment_label(seg);
    size_t len;
    const char *text = td_segment_text(seg, &len);

    if (kind == TD_SEG_SPEECH && clean_segment(st, doc, seg, sc)) {
        text = sc->out.data;
        len = sc->out.len;
    } else {
        sc->nev = 0;
    }
    append_events(doc, st, sc, start, true);
    /* A segment that held nothing but annotations is gone. */
    if (sc->rc == 0 && (len > 0 || kind != TD_SEG_SPEECH)) {
        sc->rc = td_doc_add_segment(doc, start, end, speaker, kind, text, len);
        if (sc->rc == 0 && label != NULL)
            sc->rc = td_segment_set_label(doc, td_doc_segment(doc, td_doc_segment_count(doc) - 1),
                                          label);
    }
    append_events(doc, st, sc, start, false);
}

static void report(td_doc *doc, const tags_state *st, scratch *sc)
{
    /* Only the kinds found: a vocabulary may name dozens. */
    for (size_t l = 0; l < st->v.nlabels; l++)
        if (sc->counts[l] > 0)
            td_doc_count_change(doc, st->v.labels[l], sc->counts[l]);
    if (sc->uncertain > 0) {
        td_doc_count_change(doc, "uncertain", sc->uncertain);
        json_t *list = json_object_get(td_doc_meta(doc), "uncertain");
        if (json_is_array(list))
            json_array_extend(list, sc->uncertain_list);
        else
            json_object_set(td_doc_meta(doc), "uncertain", sc->uncertain_list);
    }
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const tags_state *st = state;
    scratch sc = { .out = TD_BUF_INIT, .evtext = TD_BUF_INIT, .lower = TD_BUF_INIT };
    size_t n = td_doc_segment_count(doc);

    sc.counts = calloc(st->v.nlabels, sizeof(long));
    sc.uncertain_list = json_array();
    if (sc.counts == NULL || sc.uncertain_list == NULL)
        sc.rc = -ENOMEM;
    if (sc.rc == 0 && !clean_in_place(st, doc, &sc) && sc.rc == 0) {
        for (size_t i = 0; i < n && sc.rc == 0; i++)
            rebuild_one(st, doc, i, &sc);
        if (sc.rc == 0)
            sc.rc = td_doc_remove_segments(doc, 0, n);
    }
    if (sc.rc == 0)
        report(doc, st, &sc);
    td_buf_free(&sc.out);
    td_buf_free(&sc.evtext);
    td_buf_free(&sc.lower);
    free(sc.ev);
    free(sc.counts);
    json_decref(sc.uncertain_list);
    return sc.rc == 0 ? 0 : td_error_set(err, "out of memory");
}

static const td_plugin tags = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "tags",
    .version = "1.0",
    .summary = "[chuckles], [Sara agrees] -> events; [guess] -> word marked uncertain",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(tags)
