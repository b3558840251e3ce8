/*
 * A plugin that calls a function nothing defines.  Loading must fail at
 * start, not when the call is first made mid-run.
 */
#include <transcriptd/plugin.h>

void td_function_that_does_not_exist(void);

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state; (void)doc; (void)err;
    td_function_that_does_not_exist();
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "undefined_symbol",
    .version = "0",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
