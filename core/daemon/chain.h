/*
 * chain.h - the pipeline: the configured plugins, initialised, in order.
 *
 * A chain is built on the main thread from a config and the plugins found
 * in its plugin path, and is read-only afterwards: worker threads run
 * documents through it at the same time.
 */
#ifndef TD_CHAIN_H
#define TD_CHAIN_H

#include "config.h"
#include "loader.h"
#include "timing.h"

typedef struct stage {
    const td_plugin *p;
    const char *file;
    td_options *opts;
    void *state;
    bool inited;
    stage_timing *timing;   /* where run() times go; NULL: not timed */
} stage;

typedef struct chain {
    registry reg;
    stage *stages;          /* parsers, cleaners, summarizers, exporters */
    size_t nstages;
    unsigned refs;          /* see chain_ref(); loop thread only */
    /*
     * Called before each plugin's probe and run, on the thread running the
     * document; NULL: nothing.  A worker process reports it to the daemon,
     * so that a crash is blamed on the plugin it happened in.
     */
    void (*on_stage)(void *arg, const char *plugin, const char *stage);
    void *on_stage_arg;
} chain;

/* Where a document failed. */
typedef struct chain_failure {
    const char *plugin;     /* "core" for the daemon's own steps */
    const char *stage;      /* read, decode, parse, clean, summarize, export, commit */
    char message[512];
} chain_failure;

/*
 * Loads the plugins in c's plugin path, checks the pipeline and every plugin
 * section against them, and initialises the plugins the pipeline uses.
 * Errors go to errors as "FILE:LINE: message" lines.  Returns their number;
 * the chain must be freed with chain_free() either way.
 */
int chain_build(chain *ch, const config *c, td_buf *errors);
void chain_free(chain *ch);

/*
 * Hooks to watch a document go through the chain (`process --explain`).
 * before() is called before each stage and may return false to end the
 * run there, successfully; after() once the stage has succeeded and the
 * segments it dropped are gone.  Either may be NULL.
 */
typedef struct chain_watch {
    bool (*before)(void *ctx, const stage *s, td_doc *doc);
    void (*after)(void *ctx, const stage *s, td_doc *doc);
    void *ctx;
} chain_watch;

/*
 * Runs doc through the chain: the parser with the highest probe score,
 * then cleaners, summarizers and exporters in order, under the watch w
 * (NULL: none).  Returns 0, or -1 with f filled.  Outputs are left for the
 * caller to commit or abort.
 */
int chain_run(const chain *ch, td_doc *doc, const chain_watch *w, chain_failure *f);

const char *stage_name(td_kind kind);

/*
 * The daemon's chains are shared by the jobs running on them, so that a
 * reload can swap in a new chain while files in flight finish on the old
 * one.  A chain from chain_new() starts with one reference; the last
 * chain_unref() frees it.  Loop thread only.
 */
chain *chain_new(const config *c, td_buf *errors);
chain *chain_ref(chain *ch);
void chain_unref(chain *ch);
/* Points every stage at its plugin's entry in t. */
void chain_time_stages(chain *ch, timing_table *t);

#endif
