/*
 * A cleaner that aborts (SIGABRT) on a document whose text contains
 * "ABORT", and passes every other one through: a failed assertion in a
 * plugin, for the isolation = process tests.
 */
#include <transcriptd/plugin.h>

#include <stdlib.h>
#include <string.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)err;
    size_t len;
    const char *text = td_doc_text(doc, &len);
    if (memmem(text, len, "ABORT", 5) != NULL)
        abort();
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "crash_abort",
    .version = "0",
    .summary = "aborts on ABORT; for tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
