/*
 * wordmap.h - lower-cased words to a number each, for the lexicon of a
 * document and for the stems a thread remembers (stems.h).
 *
 * A word of at most WORDMAP_SHORT bytes (most words of any text) is keyed
 * by its bytes, zero-padded, as two integers: one probe and two compares
 * find it, with no string compare.  Lower-cased letters and digits hold
 * no zero byte, so the padding tells the length.  Longer words go to a
 * strtab.
 */
#ifndef TD_SUMMARIZERS_WORDMAP_H
#define TD_SUMMARIZERS_WORDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strtab.h"

#define WORDMAP_SHORT 16

typedef struct wordmap_short {
    uint64_t a, b;          /* a == 0: a free slot */
    uint32_t value;
} wordmap_short;

/* Slots of the small table in front of the big one (a power of two). */
#define WORDMAP_RECENT 512

typedef struct wordmap {
    wordmap_short *shorts;  /* open addressing, a power of two, at most half full */
    size_t nshorts, used;
    /*
     * A copy of the short words met last, one per hash bucket: small
     * enough to stay in the first-level cache, where the common words of
     * a text (most of its tokens) are then found.
     */
    wordmap_short *recent;
    strtab longer;
} wordmap;

/*
 * The value of word w (n bytes; zero-padded to WORDMAP_SHORT bytes when
 * shorter), added when absent: *added tells, and the caller then sets it.
 * The pointer is good until the next wordmap_slot().  NULL when out of
 * memory.
 */
uint32_t *wordmap_slot(wordmap *m, const char *w, size_t n, bool *added);
/* The value of w, or NULL when absent; good until the next call. */
const uint32_t *wordmap_find(wordmap *m, const char *w, size_t n);
/* How many words it holds. */
size_t wordmap_count(const wordmap *m);
void wordmap_free(wordmap *m);

#endif
