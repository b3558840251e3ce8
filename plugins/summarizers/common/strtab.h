/*
 * strtab.h - a table of byte strings, each with a dense id (0, 1, ...) in
 * the order they were added.  The vocabularies of the summarizers are
 * made of these: words to stems, stems to term ids, stop words.
 *
 * Strings are copied into one pool and the table doubles as it fills, so
 * adding a string costs no allocation of its own.
 */
#ifndef TD_SUMMARIZERS_STRTAB_H
#define TD_SUMMARIZERS_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include <transcriptd/text.h>

#define STRTAB_NONE UINT32_MAX

typedef struct strtab_entry {
    uint64_t hash;
    uint32_t off;       /* in pool */
    uint32_t len;
    uint32_t value;     /* what the caller stores with the string */
} strtab_entry;

typedef struct strtab {
    strtab_entry *v;    /* by id */
    size_t n, cap;
    uint64_t *slots;    /* open addressing: hash's high half | id + 1; 0 free */
    size_t nslots;      /* a power of two, at least twice n */
    td_buf pool;
} strtab;

/* The id of s, or STRTAB_NONE. */
uint32_t strtab_find(const strtab *t, const char *s, size_t len);
/*
 * The id of s, added with value when absent (*added tells which).
 * Returns STRTAB_NONE when memory ran out.
 */
uint32_t strtab_intern(strtab *t, const char *s, size_t len, uint32_t value,
                       int *added);
/* The string of id; not NUL-terminated, valid until the next intern. */
const char *strtab_str(const strtab *t, uint32_t id, size_t *len);
void strtab_free(strtab *t);

#endif
