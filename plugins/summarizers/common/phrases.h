/*
 * phrases.h - candidate key phrases: runs of one to PHRASE_MAX content
 * words (stems) with no stop word or punctuation between them, counted
 * with the way each is most often written.
 *
 * The keywords summarizer scores a whole document's phrases, the chapters
 * summarizer each chapter's; both pick with phrases_pick(), which keeps a
 * phrase from being split into keywords that say the same thing.
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
    const char *surface;        /* the form written most often */
    uint32_t surface_len, surface_count;
    uint32_t groups;            /* how many groups (chapters) it occurs in */
    uint32_t last_group;
    bool in_title;              /* in the title or a heading */
} phrase;

typedef struct phrase_surface {
    uint64_t hash;
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
    phrase_surface *sv;         /* every way each phrase was written */
    size_t sn, scap;
    uint32_t *sslots;
    size_t nsslots;
    uint32_t max_words;
} phrases;

/* An empty table of phrases of at most max_words (1..PHRASE_MAX) words. */
void phrases_init(phrases *pt, uint32_t max_words);

/*
 * Counts the phrases of ntok tokens of text (lexicon_tokenize() offsets
 * are into text, which must outlive the table).  Each occurrence adds
 * weight; group is the chapter (or 0).  A title occurrence marks the
 * phrase in_title and adds its weight, but is not an occurrence: titles
 * are written in Title Case and say a phrase once.  0 or -ENOMEM.
 */
int phrases_add(phrases *pt, const token *tok, size_t ntok, const char *text,
                double weight, uint32_t group, bool title);

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

/* Forgets every phrase, keeping the memory. */
void phrases_reset(phrases *pt);
void phrases_free(phrases *pt);

#endif
