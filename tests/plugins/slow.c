/*
 * A cleaner that only waits: it keeps files in flight long enough for a
 * test to reload or stop the daemon while they are.  Option: ms.
 */
#define _POSIX_C_SOURCE 200809L
#include <transcriptd/plugin.h>

#include <stdint.h>
#include <time.h>

static const td_option options[] = {
    { "ms", TD_OPT_INT, "100", "milliseconds each document waits" },
    { NULL },
};

/* The state is the number itself: nothing to allocate or free. */
static int init(void **state, const td_options *opts, td_error *err)
{
    (void)err;
    *state = (void *)(intptr_t)td_opt_int(opts, "ms");
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)doc; (void)err;
    long wait_ms = (long)(intptr_t)state;
    struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "slow",
    .version = "0",
    .summary = "waits; for tests",
    .options = options,
    .init = init,
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
