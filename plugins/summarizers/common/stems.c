/*
 * stems.c - see stems.h.
 */
#include "stems.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wordmap.h"

struct stem_memory {
    stem_memory *next;          /* in stem_memories.list */
    struct sb_stemmer *stemmer;
    const stopwords *stop;
    wordmap words;              /* word -> stem id or STEMS_NONE */
    strtab stems;               /* stem -> id */
};

struct stem_memories {
    pthread_key_t key;
    pthread_mutex_t lock;       /* over list */
    stem_memory *list;
    const stopwords *stop;
    char language[32];
};

stem_memories *stem_memories_new(const stopwords *stop, const char *language)
{
    stem_memories *all = calloc(1, sizeof(*all));
    if (all == NULL)
        return NULL;
    /* No destructor: the code would be gone if a thread outlived the plugin. */
    if (pthread_key_create(&all->key, NULL) != 0) {
        free(all);
        return NULL;
    }
    pthread_mutex_init(&all->lock, NULL);
    all->stop = stop;
    snprintf(all->language, sizeof(all->language), "%s", language);
    return all;
}

static void memory_free(stem_memory *m)
{
    sb_stemmer_delete(m->stemmer);
    wordmap_free(&m->words);
    strtab_free(&m->stems);
    free(m);
}

void stem_memories_free(stem_memories *all)
{
    if (all == NULL)
        return;
    pthread_key_delete(all->key);
    for (stem_memory *m = all->list, *next; m != NULL; m = next) {
        next = m->next;
        memory_free(m);
    }
    pthread_mutex_destroy(&all->lock);
    free(all);
}

stem_memory *stem_memory_mine(stem_memories *all)
{
    stem_memory *m = pthread_getspecific(all->key);
    if (m != NULL)
        return m;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->stop = all->stop;
    m->stemmer = sb_stemmer_new(all->language, NULL);
    if (m->stemmer == NULL || pthread_setspecific(all->key, m) != 0) {
        memory_free(m);
        return NULL;
    }
    pthread_mutex_lock(&all->lock);
    m->next = all->list;
    all->list = m;
    pthread_mutex_unlock(&all->lock);
    return m;
}

/* The stem id of a word not met before, or STEMS_NONE, or STEMS_OOM. */
static uint32_t stem_of(stem_memory *m, const char *w, size_t n, bool letters)
{
    /* One letter, numbers and stop words carry no topic. */
    if (!letters || n < 2 || stopwords_has(m->stop, w, n))
        return STEMS_NONE;
    const sb_symbol *stem = sb_stemmer_stem(m->stemmer, (const sb_symbol *)w, (int)n);
    if (stem == NULL)
        return STEMS_OOM;
    uint32_t id = strtab_intern(&m->stems, (const char *)stem,
                                (size_t)sb_stemmer_length(m->stemmer),
                                (uint32_t)m->stems.n, NULL);
    return id == STRTAB_NONE ? STEMS_OOM : id;
}

uint32_t stem_memory_lookup(stem_memory *m, const char *w, size_t n, bool letters)
{
    const uint32_t *known = wordmap_find(&m->words, w, n);
    if (known != NULL)
        return *known;
    if (wordmap_count(&m->words) >= STEMS_MAX_WORDS)
        return STEMS_UNKNOWN;
    uint32_t id = stem_of(m, w, n, letters);
    bool added;
    uint32_t *slot = id == STEMS_OOM ? NULL : wordmap_slot(&m->words, w, n, &added);
    if (slot == NULL)
        return STEMS_OOM;
    *slot = id;
    return id;
}

size_t stem_memory_count(const stem_memory *m)
{
    return m->stems.n;
}

const char *stem_memory_stem(const stem_memory *m, uint32_t id, size_t *len)
{
    return strtab_str(&m->stems, id, len);
}
