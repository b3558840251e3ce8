/* The per-plugin run-time histograms behind `transcriptd status` and /metrics. */
#include "harness.h"

#include "../../core/daemon/timing.h"

#define MS 1000000ull

static void buckets_and_quantiles(void **state)
{
    (void)state;
    timing_table t = { 0 };
    stage_timing *s = timing_get(&t, "json"), snap;
    assert_ptr_equal(timing_get(&t, "json"), s);           /* one entry per name */
    assert_int_equal(t.n, 1);

    /* 90 runs of 3 ms (bucket 2..5 ms), 10 of 30 ms (bucket 20..50 ms). */
    for (int i = 0; i < 90; i++)
        timing_record(s, 3 * MS);
    for (int i = 0; i < 10; i++)
        timing_record(s, 30 * MS);
    timing_snapshot(s, &snap);
    assert_int_equal(snap.count, 100);
    assert_int_equal(snap.sum_ns, 90 * 3 * MS + 10 * 30 * MS);
    assert_int_equal(snap.buckets[8], 90);      /* le 5 ms */
    assert_int_equal(snap.buckets[11], 10);     /* le 50 ms */
    /* Interpolated inside the bucket, as histogram_quantile() does:
     * p50 is rank 50 of 90 in 2..5 ms, p99 rank 9 of 10 in 20..50 ms. */
    assert_float_equal(timing_quantile_ms(&snap, 0.50), 2 + 3 * 50.0 / 90, 1e-9);
    assert_float_equal(timing_quantile_ms(&snap, 0.99), 20 + 30 * 9.0 / 10, 1e-9);
    timing_table_free(&t);
}

static void edges(void **state)
{
    (void)state;
    timing_table t = { 0 };
    stage_timing *s = timing_get(&t, "slow"), snap;
    timing_snapshot(s, &snap);
    assert_float_equal(timing_quantile_ms(&snap, 0.5), 0, 0);   /* nothing yet */
    timing_record(s, 0);                        /* first bucket */
    timing_record(s, 10000ull);                 /* exactly on a bound: that bucket */
    timing_record(s, 60000 * MS);               /* past the last bound */
    timing_snapshot(s, &snap);
    assert_int_equal(snap.buckets[0], 2);
    assert_int_equal(snap.buckets[TIMING_BOUNDS], 1);
    assert_float_equal(timing_quantile_ms(&snap, 0.99), 10000, 1e-9);
    /* The table is bounded: no entry past TIMING_MAX. */
    char name[16];
    for (int i = 0; i < TIMING_MAX - 1; i++) {
        snprintf(name, sizeof(name), "p%d", i);
        assert_non_null(timing_get(&t, name));
    }
    assert_int_equal(t.n, TIMING_MAX);
    assert_null(timing_get(&t, "one-more"));
    timing_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buckets_and_quantiles),
        cmocka_unit_test(edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
