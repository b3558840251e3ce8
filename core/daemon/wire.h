/*
 * wire.h - the protocol between the daemon (a ZeroMQ ROUTER, the broker)
 * and its worker processes (DEALERs), after the zguide's load-balancing
 * broker with heartbeats: the Paranoid Pirate Protocol (rfc.zeromq.org
 * spec 6) with the commands of Majordomo's worker side (spec 7).
 *
 * Every message starts with the frame "TDW/1".  Worker to broker:
 *
 *   READY      <json: name, pid, host, version, chain, busy>
 *   HEARTBEAT
 *   PROGRESS   <job id> <plugin> <stage>     before each probe and run
 *   RESULT     <job id> "ok"|"failed" <event json> [<ext> <bytes>]...
 *   DISCONNECT
 *
 * Broker to worker:
 *
 *   JOB        <job id> <file name> <bytes>
 *   HEARTBEAT
 *   DISCONNECT         forget this session: connect again, say READY
 *   RESTART            start over (re-exec): a reload, or a job that
 *                      overran [daemon] job_timeout
 *
 * Both sides send a HEARTBEAT every WIRE_HEARTBEAT_MS and take a peer
 * that has sent nothing for WIRE_LIVENESS of them as gone.  A worker
 * runs one job at a time; the broker accepts a RESULT only from the
 * worker it gave that job id to.  docs/workers.md has the whole story.
 */
#ifndef TD_WIRE_H
#define TD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <zmq.h>

#define WIRE_PROTOCOL "TDW/1"
#define WIRE_HEARTBEAT_MS 1000
#define WIRE_LIVENESS 3
/* A result carries at most this many outputs (two frames each). */
#define WIRE_MAX_OUTPUTS 64
#define WIRE_MAX_FRAMES (6 + 2 * WIRE_MAX_OUTPUTS)

/* One message as received, every frame kept (zero copy). */
typedef struct wire_msg {
    zmq_msg_t f[WIRE_MAX_FRAMES];
    size_t n;
    bool truncated;         /* more frames came than fit: refuse it */
} wire_msg;

/*
 * Receives one whole message without waiting.  Returns 0, or -1 (errno
 * EAGAIN: nothing there).
 */
int wire_recv(void *sock, wire_msg *m);
void wire_close(wire_msg *m);

/* Frame i is exactly s. */
bool wire_is(const wire_msg *m, size_t i, const char *s);
/* Frame i as a C string in buf (cut to fit); buf. */
char *wire_str(const wire_msg *m, size_t i, char *buf, size_t len);

typedef struct wire_part {
    const void *data;
    size_t len;
} wire_part;

static inline wire_part wire_s(const char *s)
{
    return (wire_part){ s, strlen(s) };
}

/*
 * Sends parts as one message, after an identity frame (id not NULL: the
 * ROUTER side) and the protocol frame.  Never waits.  0, or -1 with errno
 * (EHOSTUNREACH: no such peer now; EAGAIN: its queue is full).
 */
int wire_send(void *sock, const void *id, size_t idlen, const wire_part *parts,
              size_t n);

#endif
