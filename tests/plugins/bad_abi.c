/* A plugin built for a future ABI: the loader must refuse it, saying both numbers. */
#include <transcriptd/plugin.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)doc; (void)err;
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI + 98,
    .kind = TD_CLEANER,
    .name = "bad_abi",
    .version = "0",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
