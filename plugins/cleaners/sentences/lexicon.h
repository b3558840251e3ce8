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
    WORD_LOOKED_UP = 16,    /* NONFINAL and STARTER are known */
    WORD_I = 32             /* "i", "i'm", "i've", "i'd", "i'll": written with "I" */
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

/* Inline below: looked up in the inner loop of where units break. */

/* The key of a word of at most LEX_WORD bytes, in lower case. */
static inline lex_key lex_key_of(const char *w, size_t len)
{
    lex_key k = { 0, 0 };
    for (size_t i = 0; i < len && i < 8; i++)
        k.lo |= (uint64_t)(unsigned char)lower(w[i]) << (8 * i);
    for (size_t i = 8; i < len; i++)
        k.hi |= (uint64_t)(unsigned char)lower(w[i]) << (8 * (i - 8));
    return k;
}

/* The slot of key k, or the free slot where it would go. */
static inline lex_slot *lexicon_slot(const lexicon *lx, lex_key k)
{
    uint64_t h = (k.lo ^ (k.hi * 0x9E3779B97F4A7C15u)) * 0xFF51AFD7ED558CCDu;
    for (size_t i = (size_t)(h >> 40) & lx->mask;; i = (i + 1) & lx->mask) {
        lex_slot *e = &lx->slot[i];
        if ((e->key.lo == k.lo && e->key.hi == k.hi) || (e->key.lo | e->key.hi) == 0)
            return e;
    }
}

static inline uint32_t initial_bit(char c)
{
    c = lower(c);
    return c >= 'a' && c <= 'z' ? 1u << (c - 'a') : 1u << 26;
}

/* The WORD_NONFINAL and WORD_STARTER flags of w[0..len), or 0. */
static inline uint8_t lexicon_flags(const lexicon *lx, const char *w, size_t len)
{
    if (len == 0 || len > lx->longest || !(lx->initials[len] & initial_bit(w[0])))
        return 0;
    return lexicon_slot(lx, lex_key_of(w, len))->flags;
}

#endif
