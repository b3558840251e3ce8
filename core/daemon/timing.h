/*
 * timing.h - how long each plugin takes: a small fixed-bucket histogram
 * per plugin, shared by every worker thread.
 *
 * Entries are added on the loop thread when a chain is built, and are never
 * removed, so a stage keeps a plain pointer to its entry and a plugin's
 * figures go on across reloads.  Recording is a few relaxed atomic adds:
 * no lock and no allocation per document.
 */
#ifndef TD_TIMING_H
#define TD_TIMING_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds of the buckets, 10 us to 10 s in 1-2-5 steps; one more
 * bucket catches everything slower. */
#define TIMING_BOUNDS 19
extern const uint64_t timing_bounds_ns[TIMING_BOUNDS];

typedef struct stage_timing {
    char name[64];
    uint64_t count;
    uint64_t sum_ns;
    uint64_t buckets[TIMING_BOUNDS + 1];  /* not cumulative */
} stage_timing;

#define TIMING_MAX 128

typedef struct timing_table {
    stage_timing *v[TIMING_MAX];
    size_t n;
} timing_table;

/* The entry for a plugin, added when new; NULL when the table is full. */
stage_timing *timing_get(timing_table *t, const char *name);
void timing_table_free(timing_table *t);

/* Any thread. */
void timing_record(stage_timing *s, uint64_t ns);

/* A consistent-enough copy to read from (the loop thread). */
void timing_snapshot(const stage_timing *s, stage_timing *out);
/*
 * The q-quantile (0..1) in milliseconds, interpolated inside its bucket
 * the way Prometheus' histogram_quantile() does; 0 when nothing was seen.
 */
double timing_quantile_ms(const stage_timing *snap, double q);

#endif
