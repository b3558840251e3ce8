/*
 * A cleaner that takes its time: `ms` milliseconds per document.  With
 * `cooperate` it checks td_doc_expired() every 10 ms and returns early
 * once the document is out of time; without, it sleeps it all out, as a
 * plugin that never checks would.
 */
#include <transcriptd/transcriptd.h>

#include <stdlib.h>
#include <time.h>

static const td_option options[] = {
    { "ms", TD_OPT_INT, "2000", "milliseconds to take per document" },
    { "cooperate", TD_OPT_BOOL, "yes", "return early once td_doc_expired()" },
    { NULL, 0, NULL, NULL },
};

typedef struct slow_state {
    long long ms;
    bool cooperate;
} slow_state;

static int init(void **state, const td_options *opts, td_error *err)
{
    slow_state *st = malloc(sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->ms = td_opt_int(opts, "ms");
    st->cooperate = td_opt_bool(opts, "cooperate");
    *state = st;
    return 0;
}

static void fini(void *state)
{
    free(state);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const slow_state *st = state;
    (void)err;
    for (long long left = st->ms; left > 0; left -= 10) {
        if (st->cooperate && td_doc_expired(doc))
            return 0;
        nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
    }
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "slow",
    .version = "1",
    .summary = "takes ms milliseconds per document (tests of job_timeout)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
