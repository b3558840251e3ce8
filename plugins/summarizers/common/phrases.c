/*
 * phrases.c - see phrases.h.
 */
#include "phrases.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void phrases_init(phrases *pt, uint32_t max_words)
{
    memset(pt, 0, sizeof(*pt));
    pt->max_words = max_words < 1 ? 1 : max_words > PHRASE_MAX ? PHRASE_MAX : max_words;
}

static uint64_t terms_hash(const uint32_t *term, uint32_t n)
{
    return XXH3_64bits(term, n * sizeof(*term));
}

/* Doubles an open-addressing table of indexes + 1, rehashed with rehash(). */
static int grow_table(uint32_t **slots, size_t *nslots, size_t n,
                      uint64_t (*hash_of)(const phrases *, size_t),
                      const phrases *pt)
{
    size_t cap = *nslots ? *nslots * 2 : 1024;
    uint32_t *s = calloc(cap, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)hash_of(pt, i) & (cap - 1);
        while (s[k] != 0)
            k = (k + 1) & (cap - 1);
        s[k] = (uint32_t)i + 1;
    }
    free(*slots);
    *slots = s;
    *nslots = cap;
    return 0;
}

static uint64_t phrase_hash_at(const phrases *pt, size_t i)
{
    return terms_hash(pt->v[i].term, pt->v[i].n);
}

static uint64_t surface_hash_at(const phrases *pt, size_t i)
{
    return pt->sv[i].hash;
}

static uint32_t *phrase_slot(const phrases *pt, const uint32_t *term, uint32_t n)
{
    size_t mask = pt->nslots - 1;
    for (size_t k = (size_t)terms_hash(term, n) & mask;; k = (k + 1) & mask) {
        uint32_t *slot = &pt->slots[k];
        if (*slot == 0)
            return slot;
        const phrase *p = &pt->v[*slot - 1];
        if (p->n == n && memcmp(p->term, term, n * sizeof(*term)) == 0)
            return slot;
    }
}

uint32_t phrases_find(const phrases *pt, const uint32_t *term, uint32_t n)
{
    if (pt->nslots == 0)
        return UINT32_MAX;
    uint32_t *slot = phrase_slot(pt, term, n);
    return *slot ? *slot - 1 : UINT32_MAX;
}

/* The phrase of these terms, added when absent; NULL when out of memory. */
static phrase *intern(phrases *pt, const uint32_t *term, uint32_t n)
{
    if ((pt->n + 1) * 2 > pt->nslots &&
        grow_table(&pt->slots, &pt->nslots, pt->n, phrase_hash_at, pt) != 0)
        return NULL;
    uint32_t *slot = phrase_slot(pt, term, n);
    if (*slot)
        return &pt->v[*slot - 1];
    if (pt->n == pt->cap) {
        size_t cap = pt->cap ? pt->cap * 2 : 1024;
        phrase *v = realloc(pt->v, cap * sizeof(*v));
        if (v == NULL)
            return NULL;
        pt->v = v;
        pt->cap = cap;
    }
    phrase *p = &pt->v[pt->n];
    memset(p, 0, sizeof(*p));
    memcpy(p->term, term, n * sizeof(*term));
    p->n = n;
    p->last_group = UINT32_MAX;
    *slot = (uint32_t)++pt->n;
    return p;
}

/* Counts one way of writing phrase idx and keeps the most common one. */
static int vote_surface(phrases *pt, uint32_t idx, const char *s, size_t len)
{
    uint64_t hash = XXH3_64bits(s, len) ^ ((uint64_t)idx * 0x9E3779B97F4A7C15ull);
    if ((pt->sn + 1) * 2 > pt->nsslots &&
        grow_table(&pt->sslots, &pt->nsslots, pt->sn, surface_hash_at, pt) != 0)
        return -ENOMEM;
    size_t mask = pt->nsslots - 1, k = (size_t)hash & mask;
    phrase_surface *e = NULL;
    for (; pt->sslots[k] != 0; k = (k + 1) & mask) {
        phrase_surface *c = &pt->sv[pt->sslots[k] - 1];
        if (c->hash == hash && c->phrase == idx && c->len == len &&
            memcmp(c->text, s, len) == 0) {
            e = c;
            break;
        }
    }
    if (e == NULL) {
        if (pt->sn == pt->scap) {
            size_t cap = pt->scap ? pt->scap * 2 : 1024;
            phrase_surface *v = realloc(pt->sv, cap * sizeof(*v));
            if (v == NULL)
                return -ENOMEM;
            pt->sv = v;
            pt->scap = cap;
        }
        e = &pt->sv[pt->sn];
        *e = (phrase_surface){ hash, idx, (uint32_t)len, 0, s };
        pt->sslots[k] = (uint32_t)++pt->sn;
    }
    phrase *p = &pt->v[idx];
    if (++e->count > p->surface_count) {
        p->surface = e->text;
        p->surface_len = e->len;
        p->surface_count = e->count;
    }
    return 0;
}

static bool repeats(const uint32_t *term, uint32_t n)
{
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++)
            if (term[a] == term[b])
                return true;
    return false;
}

int phrases_add(phrases *pt, const token *tok, size_t ntok, const char *text,
                double weight, uint32_t group, bool title)
{
    for (size_t i = 0; i < ntok; i++) {
        uint32_t term[PHRASE_MAX];
        for (uint32_t n = 1; n <= pt->max_words && i + n <= ntok; n++) {
            const token *last = &tok[i + n - 1];
            if (n > 1 && last->gap)
                break;
            term[n - 1] = last->term;
            if (repeats(term, n))
                break;
            phrase *p = intern(pt, term, n);
            if (p == NULL)
                return -ENOMEM;
            p->weight += weight;
            if (p->last_group != group) {
                p->last_group = group;
                p->groups++;
            }
            const char *s = text + tok[i].off;
            size_t len = last->off + last->len - tok[i].off;
            if (title) {
                p->in_title = true;
                if (p->surface == NULL) {
                    p->surface = s;
                    p->surface_len = (uint32_t)len;
                }
                continue;
            }
            p->count++;
            if (vote_surface(pt, (uint32_t)(p - pt->v), s, len) != 0)
                return -ENOMEM;
        }
    }
    return 0;
}

/* Whether the terms of a appear, in order and together, in b. */
static bool part_of(const phrase *a, const phrase *b)
{
    for (uint32_t i = 0; i + a->n <= b->n; i++)
        if (memcmp(b->term + i, a->term, a->n * sizeof(a->term[0])) == 0)
            return true;
    return false;
}

typedef struct ranked {
    double score;
    uint32_t idx;
} ranked;

static int by_score_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* For each phrase, the count of the most frequent longer candidate holding it. */
static void longest_cover(const phrases *pt, const ranked *cand, size_t nc,
                          uint32_t *cover)
{
    for (size_t c = 0; c < nc; c++) {
        const phrase *p = &pt->v[cand[c].idx];
        for (uint32_t len = 1; len < p->n; len++)
            for (uint32_t at = 0; at + len <= p->n; at++) {
                uint32_t sub = phrases_find(pt, p->term + at, len);
                if (sub != UINT32_MAX && cover[sub] < p->count)
                    cover[sub] = p->count;
            }
    }
}

long phrases_pick(const phrases *pt, const double *score, size_t max,
                  uint32_t *picked)
{
    ranked *cand = malloc((pt->n ? pt->n : 1) * sizeof(*cand));
    uint32_t *cover = calloc(pt->n ? pt->n : 1, sizeof(*cover));
    size_t nc = 0, np = 0;

    if (cand == NULL || cover == NULL) {
        free(cand);
        free(cover);
        return -ENOMEM;
    }
    for (size_t i = 0; i < pt->n; i++)
        if (score[i] > 0)
            cand[nc++] = (ranked){ score[i], (uint32_t)i };
    qsort(cand, nc, sizeof(*cand), by_score_desc);
    longest_cover(pt, cand, nc, cover);
    for (size_t c = 0; c < nc && np < max; c++) {
        const phrase *p = &pt->v[cand[c].idx];
        if ((uint64_t)cover[cand[c].idx] * 2 >= p->count && cover[cand[c].idx] > 0)
            continue;
        bool overlaps = false;
        for (size_t k = 0; k < np && !overlaps; k++)
            overlaps = part_of(p, &pt->v[picked[k]]) || part_of(&pt->v[picked[k]], p);
        if (!overlaps)
            picked[np++] = cand[c].idx;
    }
    free(cand);
    free(cover);
    return (long)np;
}

void phrases_reset(phrases *pt)
{
    pt->n = 0;
    pt->sn = 0;
    if (pt->slots)
        memset(pt->slots, 0, pt->nslots * sizeof(*pt->slots));
    if (pt->sslots)
        memset(pt->sslots, 0, pt->nsslots * sizeof(*pt->sslots));
}

void phrases_free(phrases *pt)
{
    free(pt->v);
    free(pt->slots);
    free(pt->sv);
    free(pt->sslots);
    memset(pt, 0, sizeof(*pt));
}
