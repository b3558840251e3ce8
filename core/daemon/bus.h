/*
 * bus.h - the event bus: a ZeroMQ PUB socket, the event journal behind it,
 * and a replay socket that answers "every event since seq N".
 *
 * Each event is two frames, the topic and a JSON object with a `seq` that
 * grows by one per event and goes on across restarts.  Sending never
 * blocks: a slow or absent subscriber loses messages at the high-water
 * mark and fills the gap from the journal.  Everything here belongs to
 * the loop thread.
 *
 * Replay (the zguide's Clone pattern): a DEALER sends ["ICANHAZ?", "<seq>"]
 * and receives one [topic, json] message per kept event after <seq>, then
 * ["KTHXBAI", "<last seq sent>", "<oldest seq kept>"].  At most
 * BUS_REPLAY_MAX events are sent per request; ask again from the last.
 *
 * The bus also owns the ingest socket (ingest.h) and, with CURVE, the ZAP
 * handler (zap.h): every socket of the daemon is set up, secured and
 * bound here, and attached to the loop with the others.
 */
#ifndef TD_BUS_H
#define TD_BUS_H

#include "ingest.h"
#include "journal.h"
#include "zwatch.h"
#include "zap.h"

#include <jansson.h>
#include <stdint.h>
#include <transcriptd/text.h>
#include <uv.h>

#define BUS_REPLAY_MAX 10000
/* The "schema" of every event; docs/events.md describes it. */
#define BUS_SCHEMA "transcriptd.events/1"

typedef struct bus {
    void *ctx;
    void *pub;
    void *replay;           /* ROUTER, or NULL */
    uint64_t seq;           /* the last seq sent */
    journal journal;
    zwatch replay_watch;
    uv_timer_t sync_timer;
    ingest ingest;
    zap zap;                /* with CURVE only (zap.sock != NULL) */
    char curve_secret[41];  /* Z85; "" without CURVE */
    td_buf text;            /* the event being sent, reused */
    int send_hwm;
    int insecure;
    int attached;
} bus;

typedef struct bus_options {
    const char *publish;
    const char *replay;         /* "" or NULL: no replay socket */
    const char *journal_dir;
    uint64_t journal_events;
    int send_hwm;               /* events queued per subscriber */
    const char *ingest;         /* "" or NULL: no ingest socket */
    const char *inbox, *work;   /* where submitted files go */
    long long max_file_size;
    int insecure;               /* allow non-loopback tcp without CURVE */
    const char *curve_server_key;   /* "" or NULL: no CURVE */
    const char *curve_clients;
} bus_options;

/*
 * Opens the journal and binds the sockets.  An endpoint that is not on
 * this machine (see endpoint.h) is refused unless CURVE is on or
 * o->insecure; an ipc endpoint's file is made owner/group only.  0, or
 * -1 with why filled.
 */
int bus_open(bus *b, const bus_options *o, char *why, size_t whylen);
/* Starts answering replay, ingest and ZAP requests and syncing the
 * journal from loop. */
void bus_attach(bus *b, uv_loop_t *loop);
/*
 * Publishes one event: adds "schema", "seq", "topic" and "time" to
 * payload (taking the reference), journals it, sends it.  Returns the seq
 * used.
 */
uint64_t bus_publish(bus *b, const char *topic, json_t *payload);
/*
 * Publishes a heartbeat: not journaled and without a seq of its own; it
 * carries "last_seq" so that a quiet subscriber can still see a gap.
 */
void bus_heartbeat(bus *b, json_t *payload);
/* Stops the loop handles (the sockets stay until bus_close). */
void bus_detach(bus *b);
void bus_close(bus *b);

#endif
