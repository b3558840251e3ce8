/*
 * analysis.c - see analysis.h.
 */
#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

/* Keys name the layout: bump the number when a struct here changes. */
#define SENTENCES_KEY "td-summarizers/sentences/1"
#define WORDS_KEY "td-summarizers/words/1"

typedef struct doc_sentences {
    sentences ss;
    uint64_t fingerprint;
} doc_sentences;

/*
 * What the analysis depends on: every segment's kind, speaker, times and
 * text.  A segment's text lives in the document's arena until the
 * document is freed, and setting it copies the new text elsewhere, so its
 * address and length stand for its bytes.  The segments are hashed in
 * batches.  0 when out of memory (then nothing kept ever matches).
 */
static uint64_t fingerprint(const td_doc *doc)
{
    enum { BATCH = 128 };
    int64_t buf[BATCH][6];
    size_t n = td_doc_segment_count(doc), k = 0;
    XXH3_state_t *st = XXH3_createState();
    if (st == NULL)
        return 0;
    XXH3_64bits_reset(st);
    for (size_t i = 0; i < n; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(s, &len);
        int64_t *e = buf[k++];
        e[0] = td_segment_kind(s);
        e[1] = td_segment_speaker(s);
        e[2] = td_segment_start(s);
        e[3] = td_segment_end(s);
        e[4] = (int64_t)(intptr_t)text;
        e[5] = (int64_t)len;
        if (k == BATCH || i + 1 == n) {
            XXH3_64bits_update(st, buf, k * sizeof(buf[0]));
            k = 0;
        }
    }
    uint64_t fp = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return fp ? fp : 1;
}

static void free_sentences(void *p)
{
    doc_sentences *d = p;
    sentences_free(&d->ss);
    free(d);
}

static const sentences *sentences_for(td_doc *doc, uint64_t fp)
{
    doc_sentences *d = td_doc_attached(doc, SENTENCES_KEY);
    if (d != NULL && fp != 0 && d->fingerprint == fp)
        return &d->ss;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    d->fingerprint = fp;
    if (sentences_split(&d->ss, doc) != 0) {
        free_sentences(d);
        return NULL;
    }
    return td_doc_attach(doc, SENTENCES_KEY, d, free_sentences) == 0 ? &d->ss : NULL;
}

const sentences *analysis_sentences(td_doc *doc)
{
    return sentences_for(doc, fingerprint(doc));
}

static void free_words(void *p)
{
    doc_words *w = p;
    lexicon_free(w->lx);
    tokens_free(&w->tk);
    free(w->first);
    free(w);
}

doc_words *analysis_words(td_doc *doc, const text_options *t)
{
    const stopwords *sw = &t->stop;
    const char *language = t->language;
    char key[sizeof(WORDS_KEY) + sizeof(sw->path) + 64];
    uint64_t fp = fingerprint(doc);
    const sentences *ss = sentences_for(doc, fp);

    if (ss == NULL)
        return NULL;
    snprintf(key, sizeof(key), "%s %s %s", WORDS_KEY, language, sw->path);
    doc_words *w = td_doc_attached(doc, key);
    if (w != NULL && fp != 0 && w->fingerprint == fp && w->ss == ss)
        return w;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->ss = ss;
    w->fingerprint = fp;
    w->lx = lexicon_new(sw, language);
    w->first = malloc((ss->n + 1) * sizeof(*w->first));
    if (w->lx == NULL || w->first == NULL ||
        lexicon_tokenize_sentences(w->lx, ss, &w->tk, w->first, t->memories) != 0) {
        free_words(w);
        return NULL;
    }
    return td_doc_attach(doc, key, w, free_words) == 0 ? w : NULL;
}
