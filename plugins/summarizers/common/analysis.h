/*
 * analysis.h - the sentences and words of a document, made once and kept
 * with it (td_doc_attach) for every summarizer that needs them.
 *
 * Each call checks a fingerprint of the segments (kind, speaker, times,
 * text) against the one the kept analysis was made from, and makes it
 * again when they differ, so a plugin that changed the segments in
 * between never gets a stale one.
 */
#ifndef TD_SUMMARIZERS_ANALYSIS_H
#define TD_SUMMARIZERS_ANALYSIS_H

#include "lexicon.h"
#include "sentences.h"

/* The tokens of every sentence: sentence i has tok.v[first[i] .. first[i+1]). */
typedef struct doc_words {
    const sentences *ss;
    lexicon *lx;            /* term ids; more words may be added to it */
    tokens tk;
    size_t *first;
    uint64_t fingerprint;
} doc_words;

/* The document's sentences; NULL when out of memory. */
const sentences *analysis_sentences(td_doc *doc);

/*
 * Its sentences' tokens under a plugin's stop list and stemmer (and the
 * stems its thread found before); NULL when out of memory.
 */
doc_words *analysis_words(td_doc *doc, const text_options *t);

#endif
