/*
 * stems.h - the stems each worker thread has found before.
 *
 * Snowball stemming costs a summarizer more than anything else it does
 * per word, and the words of one transcript are mostly the words of the
 * one before.  So a thread keeps, across documents, every word it has met
 * (up to STEMS_MAX_WORDS): whether it carries a topic and, if so, the id
 * of its stem.  A lexicon borrows its thread's memory while it splits a
 * document (lexicon_tokenize_sentences) and numbers the stems of that
 * document itself, so a document's terms are the same with or without it.
 *
 * Each thread's memory is its own, found through a thread-specific key,
 * so a look-up takes no lock; a list under a mutex holds them all for
 * stem_memories_free() (a plugin's fini()).  A memory only grows, and
 * when it is full the lexicon stems the words it does not know.
 */
#ifndef TD_SUMMARIZERS_STEMS_H
#define TD_SUMMARIZERS_STEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"

#define STEMS_MAX_WORDS 200000

/* stem_memory_lookup(): no topic (stop word, number, one letter) ... */
#define STEMS_NONE UINT32_MAX
/* ... not known and the memory is full ... */
#define STEMS_UNKNOWN (UINT32_MAX - 1)
/* ... out of memory. */
#define STEMS_OOM (UINT32_MAX - 2)

typedef struct stem_memory stem_memory;

/* Every thread's memory for one stop list and language; NULL when out of memory. */
stem_memories *stem_memories_new(const stopwords *stop, const char *language);
void stem_memories_free(stem_memories *all);

/* The calling thread's memory, made on first use; NULL when out of memory. */
stem_memory *stem_memory_mine(stem_memories *all);

/*
 * The stem id of a lower-cased word (zero-padded to WORDMAP_SHORT bytes
 * when shorter), found or stemmed and remembered; letters tells whether
 * it has a character other than a digit.  Or one of the codes above.
 */
uint32_t stem_memory_lookup(stem_memory *m, const char *w, size_t n, bool letters);
/* How many stems the memory holds: ids are below this. */
size_t stem_memory_count(const stem_memory *m);
/* The stem of an id. */
const char *stem_memory_stem(const stem_memory *m, uint32_t id, size_t *len);

#endif
