/*
 * vocab.h - what bracketed annotations mean: the vocabulary file of the
 * tags cleaner (conf/tags.vocab), and the verdict on one annotation.
 */
#ifndef TD_TAGS_VOCAB_H
#define TD_TAGS_VOCAB_H

#include <transcriptd/transcriptd.h>

enum { LABEL_NONE = -1 };

typedef struct phrase {
    char *text;         /* lower case */
    size_t len;
    int label;
} phrase;

typedef struct vocab {
    phrase *phrases;
    size_t nphrases;
    char **labels;
    size_t nlabels;
    int keep, collective, note;   /* indexes of the special labels */
} vocab;

typedef enum action { LEAVE, EVENT, UNCERTAIN } action;

typedef struct verdict {
    action what;
    int label;
    const char *name;       /* the speaker named first, or NULL */
    size_t name_len;
} verdict;

/* Reads a "label: phrase, phrase" file; -1 with err set on failure. */
int vocab_load(vocab *v, const char *file, td_error *err);
void vocab_free(vocab *v);

void lower_ascii(char *s, size_t len);
/* Addresses, links, numbers, times and bare marks are not annotations. */
bool looks_like_data(const char *s, size_t len);
/*
 * What an annotation is.  raw: its words as written; lower: the same in
 * lower case.  bracket: it was in [], not ().  An unknown one of at most
 * uncertain_words words is a guessed word.
 */
verdict classify(const vocab *v, long uncertain_words, const char *raw, const char *lower,
                 size_t len, bool bracket);

#endif
