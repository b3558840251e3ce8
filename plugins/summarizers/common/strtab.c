/*
 * strtab.c - see strtab.h.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>
/* Words are short: XXH3 inlined for them costs a few cycles, a call more. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* A slot holds the high half of the hash beside id + 1 (0: free), so that
 * most probes past other strings never touch their entries. */
static uint64_t slot_value(uint64_t hash, size_t id)
{
    return (hash & 0xffffffff00000000ull) | (uint64_t)(id + 1);
}

static uint64_t *slot_of(const strtab *t, uint64_t hash, const char *s, size_t len)
{
    size_t mask = t->nslots - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        uint64_t *slot = &t->slots[i];
        if (*slot == 0)
            return slot;
        if ((*slot ^ hash) >> 32 != 0)
            continue;
        const strtab_entry *e = &t->v[(uint32_t)*slot - 1];
        if (e->hash == hash && e->len == len &&
            memcmp(t->pool.data + e->off, s, len) == 0)
            return slot;
    }
}

static int grow_slots(strtab *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 64;
    uint64_t *slots = calloc(n, sizeof(*slots));
    if (slots == NULL)
        return -1;
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    /* Rehash by id: every string is distinct, so the first free slot is it. */
    for (size_t id = 0; id < t->n; id++) {
        size_t i = (size_t)t->v[id].hash & (n - 1);
        while (slots[i] != 0)
            i = (i + 1) & (n - 1);
        slots[i] = slot_value(t->v[id].hash, id);
    }
    return 0;
}

uint32_t strtab_find(const strtab *t, const char *s, size_t len)
{
    if (t->nslots == 0)
        return STRTAB_NONE;
    uint64_t *slot = slot_of(t, XXH3_64bits(s, len), s, len);
    return *slot ? (uint32_t)*slot - 1 : STRTAB_NONE;
}

uint32_t strtab_intern(strtab *t, const char *s, size_t len, uint32_t value,
                       int *added)
{
    uint64_t hash = XXH3_64bits(s, len);
    if (added)
        *added = 0;
    if ((t->n + 1) * 2 > t->nslots && grow_slots(t) != 0)
        return STRTAB_NONE;
    uint64_t *slot = slot_of(t, hash, s, len);
    if (*slot)
        return (uint32_t)*slot - 1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        strtab_entry *v = realloc(t->v, cap * sizeof(*v));
        if (v == NULL)
            return STRTAB_NONE;
        t->v = v;
        t->cap = cap;
    }
    size_t off = t->pool.len;
    if (td_buf_append(&t->pool, s, len) != 0 || off > UINT32_MAX)
        return STRTAB_NONE;
    t->v[t->n] = (strtab_entry){ hash, (uint32_t)off, (uint32_t)len, value };
    *slot = slot_value(hash, t->n++);
    if (added)
        *added = 1;
    return (uint32_t)(t->n - 1);
}

const char *strtab_str(const strtab *t, uint32_t id, size_t *len)
{
    if (len)
        *len = t->v[id].len;
    return t->pool.data + t->v[id].off;
}

void strtab_free(strtab *t)
{
    free(t->v);
    free(t->slots);
    td_buf_free(&t->pool);
    memset(t, 0, sizeof(*t));
}
