/*
 * arena.h - a bump allocator for the strings and arrays of one document.
 *
 * A document makes thousands of small strings; allocating each with malloc
 * and freeing each again is the churn an arena avoids.  Memory comes in
 * chunks that grow geometrically and is released all at once.
 */
#ifndef TD_ARENA_H
#define TD_ARENA_H

#include <stddef.h>

typedef struct td_arena_chunk td_arena_chunk;

typedef struct td_arena {
    td_arena_chunk *head;
    size_t next_size;
    size_t total;           /* bytes of every chunk, for memory limits */
} td_arena;

void td__arena_init(td_arena *a);
void *td__arena_alloc(td_arena *a, size_t size);
char *td__arena_strndup(td_arena *a, const char *s, size_t len);
void td__arena_free(td_arena *a);
/* The memory the arena holds: the size of every chunk it allocated. */
size_t td__arena_total(const td_arena *a);

#endif
