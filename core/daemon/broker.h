/*
 * broker.h - isolation = process: the daemon as the broker of its worker
 * processes (the zguide's load-balancing broker with heartbeats; the
 * protocol is in wire.h).
 *
 * The broker binds a ROUTER on [daemon] workers_endpoint and starts
 * [daemon] workers local `transcriptd worker` processes on it; workers on
 * other machines connect there too.  For each job the daemon reads the
 * source (with the usual checks), hands the bytes to the least recently
 * used idle worker, and gets back the outputs and the event's fields.  The
 * daemon writes the outputs into the outbox (temporary file, then rename)
 * and moves the source to done/ or failed/: workers need no shared disk,
 * and only the daemon decides what ends in done/.
 *
 * A worker that dies with a job (its exit, for local ones; silence, for
 * any), or overruns [daemon] job_timeout (killed, or told to restart),
 * has the job given to another worker once; a second time the file fails
 * with "plugin X crashed (SIGSEGV)" or "timed out ...", X being the plugin
 * the worker last said it was running.  A local worker that ends is
 * started again.
 */
#ifndef TD_BROKER_H
#define TD_BROKER_H

#include "executor.h"

int broker_start(uv_loop_t *loop, const config *c, const cli_common *cc,
                 void *zmq_ctx, const executor_callbacks *cb, executor **out,
                 td_buf *errors);

#endif
