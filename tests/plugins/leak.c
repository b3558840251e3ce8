/*
 * A cleaner that allocates without bound on a document whose text
 * contains "LEAK" (and aborts, as xmalloc-style code does, when memory
 * runs out), and passes every other one through: a runaway plugin, for
 * the [daemon] worker_memory tests.
 */
#include <transcriptd/plugin.h>

#include <stdlib.h>
#include <string.h>

#define CHUNK (1 << 20)

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)err;
    size_t len;
    const char *text = td_doc_text(doc, &len);
    if (memmem(text, len, "LEAK", 4) == NULL)
        return 0;
    for (;;) {
        char *p = malloc(CHUNK);
        if (p == NULL)
            abort();
        /* Touched, so that it is real memory, not only address space. */
        memset(p, 0x5a, CHUNK);
    }
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "leak",
    .version = "0",
    .summary = "allocates without bound on LEAK; for tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
