/*
 * A cleaner that never returns on a document whose text contains "LOOP",
 * and passes every other one through: a plugin stuck in an endless loop,
 * for the job_timeout tests.  It sleeps as it loops, so as not to burn a
 * core while the test waits.
 */
#define _POSIX_C_SOURCE 200809L
#include <transcriptd/plugin.h>

#include <string.h>
#include <time.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)err;
    size_t len;
    const char *text = td_doc_text(doc, &len);
    struct timespec ts = { 0, 10 * 1000000 };
    while (memmem(text, len, "LOOP", 4) != NULL)
        nanosleep(&ts, NULL);
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "loop_forever",
    .version = "0",
    .summary = "never returns on LOOP; for tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
