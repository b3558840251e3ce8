/*
 * phrases.h - candidate key phrases: runs of one to PHRASE_MAX content
 * words (stems) with no stop word or punctuation between them, counted
 * with the way each is most often written.
 *
 * The keywords summarizer scores a whole document's phrases, the chapters
 * summarizer each chapter's; both pick with phrases_pick(), which keeps a
 * phrase from being split into keywords that say the same thing, then
 * find how the picked ones are written.
 */
#ifndef TD_SUMMARIZERS_PHRASES_H
#define TD_SUMMARIZERS_PHRASES_H

#include <stdbool.h>
#include <stdint.h>

#include "lexicon.h"

#define PHRASE_MAX 3

typedef struct phrase {
    uint32_t term[PHRASE_MAX];
    uint32_t n;                 /* words */
    uint32_t count;             /* occurrences in the text */
    double weight;              /* the sum of their weights */
    const char *surface;        /* the form written most often (phrases_vote) */
    uint32_t surface_len, surface_count;
    bool in_title;              /* in the title or a heading */
} phrase;

typedef struct phrase_surface {
    uint32_t phrase;
    uint32_t len;
    uint32_t count;
    const char *text;
} phrase_surface;

typedef struct phrases {
    phrase *v;
    size_t n, cap;
    uint32_t *slots;            /* phrase lookup: index + 1, 0 free */
    size_t nslots;
    uint32_t *unigram;          /* pass 1 counts single words here: by term, */
    double *uniweight;          /* ... the sum of their weights */
    bool *unititle;             /* ... and whether a title has them */
    size_t nunigram;
    uint32_t max_words;
    uint32_t pass;              /* the phrase length being counted */
    phrase_surface *sv;         /* ways the picked phrases are written */
    size_t sn, scap;
    const uint32_t *voting;     /* the picked phrases, during phrases_vote */
    size_t nvoting;
} phrases;

/* An empty table of phrases of at most max_words (1..PHRASE_MAX) words. */
void phrases_init(phrases *pt, uint32_t max_words);

/*
 * Counting goes in passes, one per phrase length: the caller gives all
 * its text to phrases_add() for pass 1 (single words), then again for
 * pass 2, and so on to max_words, then calls phrases_finish().  A phrase
 * of n words is counted only when the phrases of n - 1 words it is made
 * of were both seen twice (it cannot be seen twice itself otherwise),
 * which keeps most word pairs and triples out of the table; single words
 * are counted in arrays and enter the table once each.  0 or -ENOMEM.
 */
int phrases_pass(phrases *pt, uint32_t n);
int phrases_finish(phrases *pt);

/*
 * Counts the phrases of the current pass in ntok tokens.  Each occurrence
 * adds weight.  A title occurrence marks the phrase in_title and adds its
 * weight, but is not an occurrence: titles are written in Title Case and
 * say a phrase once.  0 or -ENOMEM.
 */
int phrases_add(phrases *pt, const token *tok, size_t ntok, double weight, bool title);

/* The index of the phrase of these terms, or UINT32_MAX. */
uint32_t phrases_find(const phrases *pt, const uint32_t *term, uint32_t n);

/*
 * Picks at most max phrases in order of score (score[i] <= 0: not a
 * candidate).  A phrase is skipped when it is part of a picked one or a
 * picked one is part of it, and when a longer candidate holds at least
 * half of its occurrences ("open" and "source" yield to "open source").
 * Returns how many indexes were written to picked, or -ENOMEM.
 */
long phrases_pick(const phrases *pt, const double *score, size_t max,
                  uint32_t *picked);

/*
 * Finds how the picked phrases are written: give the text again after
 * phrases_vote_begin(); each phrase's surface is then the form written
 * most often (text must outlive the table).  Title text only gives a
 * form to phrases never written otherwise.  0 or -ENOMEM.
 */
void phrases_vote_begin(phrases *pt, const uint32_t *picked, size_t np);
int phrases_vote(phrases *pt, const token *tok, size_t ntok, const char *text,
                 bool title);

/* Forgets every phrase, keeping the memory. */
void phrases_reset(phrases *pt);
void phrases_free(phrases *pt);

#endif
