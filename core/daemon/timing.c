/*
 * timing.c - see timing.h.
 */
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1000ull
#define MS (1000 * US)
#define S (1000 * MS)

const uint64_t timing_bounds_ns[TIMING_BOUNDS] = {
    10 * US, 20 * US, 50 * US, 100 * US, 200 * US, 500 * US,
    1 * MS, 2 * MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS, 200 * MS,
    500 * MS, 1 * S, 2 * S, 5 * S, 10 * S,
};

stage_timing *timing_get(timing_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i]->name, name) == 0)
            return t->v[i];
    if (t->n == TIMING_MAX)
        return NULL;
    stage_timing *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    snprintf(s->name, sizeof(s->name), "%s", name);
    t->v[t->n++] = s;
    return s;
}

void timing_table_free(timing_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    t->n = 0;
}

static size_t bucket_of(uint64_t ns)
{
    size_t i = 0;
    while (i < TIMING_BOUNDS && ns > timing_bounds_ns[i])
        i++;
    return i;
}

void timing_record(stage_timing *s, uint64_t ns)
{
    __atomic_fetch_add(&s->buckets[bucket_of(ns)], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&s->sum_ns, ns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
}

/*
 * The count is taken as the sum of the buckets, so that a reader never
 * sees a count its buckets do not add up to.
 */
void timing_snapshot(const stage_timing *s, stage_timing *out)
{
    memcpy(out->name, s->name, sizeof(out->name));
    out->count = 0;
    for (size_t i = 0; i <= TIMING_BOUNDS; i++) {
        out->buckets[i] = __atomic_load_n(&s->buckets[i], __ATOMIC_RELAXED);
        out->count += out->buckets[i];
    }
    out->sum_ns = __atomic_load_n(&s->sum_ns, __ATOMIC_RELAXED);
}

double timing_quantile_ms(const stage_timing *snap, double q)
{
    if (snap->count == 0)
        return 0;
    double rank = q * (double)snap->count;
    uint64_t below = 0;
    for (size_t i = 0; i <= TIMING_BOUNDS; i++) {
        uint64_t n = snap->buckets[i];
        if (n > 0 && (double)(below + n) >= rank) {
            if (i == TIMING_BOUNDS)     /* slower than the last bound */
                return timing_bounds_ns[TIMING_BOUNDS - 1] / 1e6;
            double lo = i ? (double)timing_bounds_ns[i - 1] : 0;
            double hi = (double)timing_bounds_ns[i];
            return (lo + (hi - lo) * (rank - (double)below) / (double)n) / 1e6;
        }
        below += n;
    }
    return timing_bounds_ns[TIMING_BOUNDS - 1] / 1e6;
}
