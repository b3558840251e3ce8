/*
 * bus.h - the event bus: a ZeroMQ PUB socket.
 *
 * Each event is two frames, the topic and a JSON object, and carries a
 * `seq` that grows by one per event.  Sending never blocks: a slow or
 * absent subscriber loses messages at the high-water mark, the daemon goes
 * on.  The socket belongs to the loop thread.
 */
#ifndef TD_BUS_H
#define TD_BUS_H

#include <jansson.h>
#include <stdint.h>

typedef struct bus {
    void *ctx;
    void *pub;
    uint64_t seq;       /* the last seq sent */
    char *endpoint;
} bus;

/* Binds the PUB socket.  Returns 0, or -1 with why filled. */
int bus_open(bus *b, const char *endpoint, char *why, size_t whylen);
/*
 * Publishes one event.  Adds "seq", "topic" and "time" to payload and takes
 * the reference.  Returns the seq used.
 */
uint64_t bus_publish(bus *b, const char *topic, json_t *payload);
void bus_close(bus *b);

#endif
