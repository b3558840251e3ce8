/*
 * A cleaner that crashes with SIGSEGV on a document whose text contains
 * "CRASH", and passes every other one through: a plugin with a fatal bug,
 * for the isolation = process tests.
 */
#include <transcriptd/plugin.h>

#include <signal.h>
#include <string.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)err;
    size_t len;
    const char *text = td_doc_text(doc, &len);
    if (memmem(text, len, "CRASH", 5) != NULL) {
        /* As an unhandled fault ends a process: a sanitizer's handler
         * would turn it into an exit with a report instead. */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "crash_segv",
    .version = "0",
    .summary = "segfaults on CRASH; for tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
