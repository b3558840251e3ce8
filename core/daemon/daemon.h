/*
 * daemon.h - `transcriptd run`: the event loop that ties the watcher, the
 * spool, the worker pool and the bus together.
 */
#ifndef TD_DAEMON_H
#define TD_DAEMON_H

#include "chain.h"
#include "cli.h"
#include "config.h"

#include "bus.h"

/*
 * Runs until SIGINT or SIGTERM, publishing on b (already bound); returns
 * the process exit status.  Takes over the reference to ch (from
 * chain_new()).  SIGHUP reloads the config cc names (see reload() in
 * daemon.c for what a reload may change).
 */
int daemon_run(const config *c, chain *ch, bus *b, const cli_common *cc);

#endif
