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
    pt->pass = 1;
}

/* Moves the single words counted in pass 1 into the table. */
static int flush_unigrams(phrases *pt);

int phrases_pass(phrases *pt, uint32_t n)
{
    int rc = pt->pass == 1 && n != 1 ? flush_unigrams(pt) : 0;
    pt->pass = n;
    return rc;
}

int phrases_finish(phrases *pt)
{
    return phrases_pass(pt, 0);
}

static uint64_t terms_hash(const uint32_t *term, uint32_t n)
{
    return XXH3_64bits(term, n * sizeof(*term));
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

static int grow_slots(phrases *pt)
{
    size_t cap = pt->nslots ? pt->nslots * 2 : 1024;
    uint32_t *s = calloc(cap, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < pt->n; i++) {
        size_t k = (size_t)terms_hash(pt->v[i].term, pt->v[i].n) & (cap - 1);
        while (s[k] != 0)
            k = (k + 1) & (cap - 1);
        s[k] = (uint32_t)i + 1;
    }
    free(pt->slots);
    pt->slots = s;
    pt->nslots = cap;
    return 0;
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
    if ((pt->n + 1) * 2 > pt->nslots && grow_slots(pt) != 0)
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
    *slot = (uint32_t)++pt->n;
    return p;
}

/* The count of a single word, from the array the first pass fills. */
static uint32_t unigram(const phrases *pt, uint32_t term)
{
    return term < pt->nunigram ? pt->unigram[term] : 0;
}

static int count_unigram(phrases *pt, uint32_t term, double weight, bool title)
{
    if (term >= pt->nunigram) {
        size_t n = pt->nunigram ? pt->nunigram : 1024, old = pt->nunigram;
        while (n <= term)
            n *= 2;
        uint32_t *u = realloc(pt->unigram, n * sizeof(*u));
        if (u != NULL)
            pt->unigram = u;
        double *w = realloc(pt->uniweight, n * sizeof(*w));
        if (w != NULL)
            pt->uniweight = w;
        bool *t = realloc(pt->unititle, n * sizeof(*t));
        if (t != NULL)
            pt->unititle = t;
        if (u == NULL || w == NULL || t == NULL)
            return -ENOMEM;
        memset(u + old, 0, (n - old) * sizeof(*u));
        memset(w + old, 0, (n - old) * sizeof(*w));
        memset(t + old, 0, (n - old) * sizeof(*t));
        pt->nunigram = n;
    }
    pt->unigram[term] += !title;
    pt->uniweight[term] += weight;
    pt->unititle[term] |= title;
    return 0;
}

static int flush_unigrams(phrases *pt)
{
    for (uint32_t term = 0; term < pt->nunigram; term++) {
        if (pt->uniweight[term] == 0)
            continue;
        phrase *p = intern(pt, &term, 1);
        if (p == NULL)
            return -ENOMEM;
        p->count = pt->unigram[term];
        p->weight = pt->uniweight[term];
        p->in_title = pt->unititle[term];
    }
    return 0;
}

/* Whether both parts of n words (n >= 2) were seen twice. */
static bool parts_frequent(const phrases *pt, const uint32_t *term, uint32_t n)
{
    if (n == 2)
        return unigram(pt, term[0]) >= 2 && unigram(pt, term[1]) >= 2;
    uint32_t head = phrases_find(pt, term, n - 1);
    if (head == UINT32_MAX || pt->v[head].count < 2)
        return false;
    uint32_t tail = phrases_find(pt, term + 1, n - 1);
    return tail != UINT32_MAX && pt->v[tail].count >= 2;
}

int phrases_add(phrases *pt, const token *tok, size_t ntok, double weight, bool title)
{
    uint32_t n = pt->pass;
    if (n == 1) {
        for (size_t i = 0; i < ntok; i++)
            if (count_unigram(pt, tok[i].term, weight, title) != 0)
                return -ENOMEM;
        return 0;
    }
    if (n == 0 || n > pt->max_words)
        return 0;
    for (size_t i = 0; i + n <= ntok; i++) {
        uint32_t term[PHRASE_MAX];
        bool joined = true;
        for (uint32_t k = 0; k < n && joined; k++) {
            term[k] = tok[i + k].term;
            joined = k == 0 || !tok[i + k].gap;
            for (uint32_t j = 0; j < k && joined; j++)
                joined = term[j] != term[k];
        }
        if (!joined || !parts_frequent(pt, term, n))
            continue;
        phrase *p = intern(pt, term, n);
        if (p == NULL)
            return -ENOMEM;
        p->weight += weight;
        if (title)
            p->in_title = true;
        else
            p->count++;
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

/* Higher scores first, then earlier phrases. */
static bool ranks_before(const ranked *x, const ranked *y)
{
    return x->score != y->score ? x->score > y->score : x->idx < y->idx;
}

static void sift_down(ranked *heap, size_t n, size_t i)
{
    ranked x = heap[i];
    for (size_t k; (k = 2 * i + 1) < n; i = k) {
        if (k + 1 < n && ranks_before(&heap[k + 1], &heap[k]))
            k++;
        if (!ranks_before(&heap[k], &x))
            break;
        heap[i] = heap[k];
    }
    heap[i] = x;
}

/* The best of a heap of n, taken out: picking stops after a few, so only
 * those few are ever put in order. */
static ranked pop_best(ranked *heap, size_t *n)
{
    ranked top = heap[0];
    heap[0] = heap[--*n];
    sift_down(heap, *n, 0);
    return top;
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
    longest_cover(pt, cand, nc, cover);
    for (size_t i = nc / 2; i-- > 0;)
        sift_down(cand, nc, i);
    while (nc > 0 && np < max) {
        uint32_t idx = pop_best(cand, &nc).idx;
        const phrase *p = &pt->v[idx];
        if (cover[idx] > 0 && (uint64_t)cover[idx] * 2 >= p->count)
            continue;
        bool overlaps = false;
        for (size_t k = 0; k < np && !overlaps; k++)
            overlaps = part_of(p, &pt->v[picked[k]]) || part_of(&pt->v[picked[k]], p);
        if (!overlaps)
            picked[np++] = idx;
    }
    free(cand);
    free(cover);
    return (long)np;
}

void phrases_vote_begin(phrases *pt, const uint32_t *picked, size_t np)
{
    pt->voting = picked;
    pt->nvoting = np;
    pt->sn = 0;
}

/* Counts one way of writing phrase idx and keeps the most common one. */
static int vote_surface(phrases *pt, uint32_t idx, const char *s, size_t len)
{
    phrase_surface *e = NULL;
    /* Few phrases are voted on, each written few ways: a list will do. */
    for (size_t k = 0; k < pt->sn && e == NULL; k++)
        if (pt->sv[k].phrase == idx && pt->sv[k].len == len &&
            memcmp(pt->sv[k].text, s, len) == 0)
            e = &pt->sv[k];
    if (e == NULL) {
        if (pt->sn == pt->scap) {
            size_t cap = pt->scap ? pt->scap * 2 : 64;
            phrase_surface *v = realloc(pt->sv, cap * sizeof(*v));
            if (v == NULL)
                return -ENOMEM;
            pt->sv = v;
            pt->scap = cap;
        }
        e = &pt->sv[pt->sn++];
        *e = (phrase_surface){ idx, (uint32_t)len, 0, s };
    }
    phrase *p = &pt->v[idx];
    if (++e->count > p->surface_count) {
        p->surface = e->text;
        p->surface_len = e->len;
        p->surface_count = e->count;
    }
    return 0;
}

int phrases_vote(phrases *pt, const token *tok, size_t ntok, const char *text,
                 bool title)
{
    for (size_t i = 0; i < ntok; i++)
        for (size_t k = 0; k < pt->nvoting; k++) {
            uint32_t idx = pt->voting[k];
            phrase *p = &pt->v[idx];
            if (p->term[0] != tok[i].term || i + p->n > ntok)
                continue;
            bool same = true;
            for (uint32_t j = 1; j < p->n && same; j++)
                same = tok[i + j].term == p->term[j] && !tok[i + j].gap;
            if (!same)
                continue;
            const char *s = text + tok[i].off;
            size_t len = tok[i + p->n - 1].off + tok[i + p->n - 1].len - tok[i].off;
            if (title) {
                if (p->surface == NULL) {
                    p->surface = s;
                    p->surface_len = (uint32_t)len;
                }
            } else if (vote_surface(pt, idx, s, len) != 0) {
                return -ENOMEM;
            }
        }
    return 0;
}

void phrases_reset(phrases *pt)
{
    pt->n = 0;
    pt->sn = 0;
    pt->pass = 1;
    if (pt->slots)
        memset(pt->slots, 0, pt->nslots * sizeof(*pt->slots));
    if (pt->nunigram) {
        memset(pt->unigram, 0, pt->nunigram * sizeof(*pt->unigram));
        memset(pt->uniweight, 0, pt->nunigram * sizeof(*pt->uniweight));
        memset(pt->unititle, 0, pt->nunigram * sizeof(*pt->unititle));
    }
}

void phrases_free(phrases *pt)
{
    free(pt->v);
    free(pt->slots);
    free(pt->unigram);
    free(pt->uniweight);
    free(pt->unititle);
    free(pt->sv);
    memset(pt, 0, sizeof(*pt));
}
