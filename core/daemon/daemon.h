/*
 * daemon.h - `transcriptd run`: the event loop that ties the watcher, the
 * spool, the worker pool and the bus together.
 */
#ifndef TD_DAEMON_H
#define TD_DAEMON_H

#include "chain.h"
#include "config.h"

#include "bus.h"

/*
 * Runs until SIGINT or SIGTERM, publishing on b (already bound); returns
 * the process exit status.
 */
int daemon_run(const config *c, const chain *ch, bus *b);

#endif
