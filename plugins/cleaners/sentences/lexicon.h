/*
 * lexicon.h - the word lists of the sentences cleaner: lists from options,
 * and the lexicon of words that say where units break.
 */
#ifndef TD_SENTENCES_LEXICON_H
#define TD_SENTENCES_LEXICON_H

#include <transcriptd/transcriptd.h>

typedef struct wordlist {
    char **v;
    size_t n;
} wordlist;

/* What a word says about where units break (word.flags, lexicon). */
enum {
    WORD_NONFINAL = 1,      /* no unit ends with it */
    WORD_STARTER = 2,       /* units like to start with it */
    WORD_ENDS = 4,          /* it ends a sentence (. ? !) */
    WORD_LINE_END = 8,      /* the last word of its caption line */
    WORD_LOOKED_UP = 16     /* NONFINAL and STARTER are known */
};

/* Longest word the lexicon holds: words are keys of two 64-bit integers. */
#define LEX_WORD 16

typedef struct lex_key {
    uint64_t lo, hi;
} lex_key;

typedef struct lex_slot {
    lex_key key;            /* all zero: a free slot */
    uint8_t flags;
} lex_slot;

/*
 * The words of the starters and nonfinal options with their flags: an
 * open-addressing hash table keyed by the lower-case word packed into two
 * integers, looked up once per word of every document (a multiply and an
 * integer compare), built by init() and read-only after.
 */
typedef struct lexicon {
    lex_slot *slot;
    size_t mask;
    size_t longest;         /* longer words are not in it */
    /* By length, the first letters its words of that length have (bit
     * c - 'a', bit 26 for anything else): most words stop there. */
    uint32_t initials[LEX_WORD + 1];
} lexicon;

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

/* A list option's words; 0 or -ENOMEM. */
int wordlist_parse(wordlist *l, const char *s);
void wordlist_free(wordlist *l);
/* Whether w[0..len) is in the list, without regard to ASCII case. */
bool wordlist_has(const wordlist *l, const char *w, size_t len);

/* Builds the lexicon from the starters and nonfinal options; -1 with err set. */
int lexicon_build(lexicon *lx, const td_options *opts, td_error *err);
void lexicon_free(lexicon *lx);
/* The WORD_NONFINAL and WORD_STARTER flags of w[0..len), or 0. */
uint8_t lexicon_flags(const lexicon *lx, const char *w, size_t len);

#endif
