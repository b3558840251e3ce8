/*
 * arena.c - see arena.h.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct td_arena_chunk {
    td_arena_chunk *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_FIRST_CHUNK (16u * 1024u)
#define ARENA_MAX_CHUNK (4u * 1024u * 1024u)

void td__arena_init(td_arena *a)
{
    a->head = NULL;
    a->next_size = ARENA_FIRST_CHUNK;
    a->total = 0;
}

static td_arena_chunk *arena_grow(td_arena *a, size_t need)
{
    size_t size = a->next_size;
    if (size < need)
        size = need;
    td_arena_chunk *c = malloc(sizeof(*c) + size);
    if (c == NULL)
        return NULL;
    c->used = 0;
    c->size = size;
    c->next = a->head;
    a->head = c;
    a->total += sizeof(*c) + size;
    if (a->next_size < ARENA_MAX_CHUNK)
        a->next_size *= 2;
    return c;
}

void *td__arena_alloc(td_arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    td_arena_chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

    if (size > SIZE_MAX / 2)
        return NULL;
    if (c == NULL || at + size > c->size) {
        c = arena_grow(a, size);
        if (c == NULL)
            return NULL;
        at = 0;
    }
    c->used = at + size;
    return c->data + at;
}

char *td__arena_strndup(td_arena *a, const char *s, size_t len)
{
    char *p = td__arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t td__arena_total(const td_arena *a)
{
    return a->total;
}

void td__arena_free(td_arena *a)
{
    td_arena_chunk *c = a->head;
    while (c != NULL) {
        td_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    td__arena_init(a);
}
