/*
 * wordmap.c - see wordmap.h.
 */
#include "wordmap.h"

#include <stdlib.h>
#include <string.h>
/* Keys are short: XXH3 inlined for them costs a few cycles, a call more. */
#define XXH_INLINE_ALL
#include <xxhash.h>

static uint64_t short_hash(uint64_t a, uint64_t b)
{
    uint64_t key[2] = { a, b };
    return XXH3_64bits(key, sizeof(key));
}

static wordmap_short *short_slot(const wordmap *m, uint64_t a, uint64_t b, uint64_t hash)
{
    size_t mask = m->nshorts - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        wordmap_short *e = &m->shorts[i];
        if (e->a == 0 || (e->a == a && e->b == b))
            return e;
    }
}

static int grow_shorts(wordmap *m)
{
    size_t old = m->nshorts, n = old ? old * 2 : 2048;
    wordmap_short *prev = m->shorts;
    m->shorts = calloc(n, sizeof(*m->shorts));
    if (m->shorts == NULL) {
        m->shorts = prev;
        return -1;
    }
    m->nshorts = n;
    for (size_t i = 0; i < old; i++)
        if (prev[i].a != 0)
            *short_slot(m, prev[i].a, prev[i].b, short_hash(prev[i].a, prev[i].b)) = prev[i];
    free(prev);
    return 0;
}

uint32_t *wordmap_slot(wordmap *m, const char *w, size_t n, bool *added)
{
    if (n <= WORDMAP_SHORT) {
        uint64_t a, b;
        memcpy(&a, w, 8);
        memcpy(&b, w + 8, 8);
        if ((m->used + 1) * 2 > m->nshorts && grow_shorts(m) != 0)
            return NULL;
        wordmap_short *e = short_slot(m, a, b, short_hash(a, b));
        *added = e->a == 0;
        if (*added) {
            *e = (wordmap_short){ a, b, 0 };
            m->used++;
        }
        return &e->value;
    }
    int fresh;
    uint32_t id = strtab_intern(&m->longer, w, n, 0, &fresh);
    if (id == STRTAB_NONE)
        return NULL;
    *added = fresh;
    return &m->longer.v[id].value;
}

const uint32_t *wordmap_find(wordmap *m, const char *w, size_t n)
{
    if (n <= WORDMAP_SHORT) {
        uint64_t a, b;
        if (m->nshorts == 0)
            return NULL;
        if (m->recent == NULL && (m->recent = calloc(WORDMAP_RECENT, sizeof(*m->recent))) == NULL)
            return NULL;
        memcpy(&a, w, 8);
        memcpy(&b, w + 8, 8);
        uint64_t hash = short_hash(a, b);
        /* Values never change once set, so a copy stays true. */
        wordmap_short *r = &m->recent[(hash >> 40) & (WORDMAP_RECENT - 1)];
        if (r->a == a && r->b == b)
            return &r->value;
        const wordmap_short *e = short_slot(m, a, b, hash);
        if (e->a == 0)
            return NULL;
        *r = *e;
        return &r->value;
    }
    uint32_t id = strtab_find(&m->longer, w, n);
    return id != STRTAB_NONE ? &m->longer.v[id].value : NULL;
}

size_t wordmap_count(const wordmap *m)
{
    return m->used + m->longer.n;
}

void wordmap_free(wordmap *m)
{
    free(m->shorts);
    free(m->recent);
    strtab_free(&m->longer);
    memset(m, 0, sizeof(*m));
}
