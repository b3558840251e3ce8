/*
 * bus.c - see bus.h.
 */
#include "bus.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

int bus_open(bus *b, const char *endpoint, char *why, size_t whylen)
{
    int hwm = 100000, linger = 1000;

    memset(b, 0, sizeof(*b));
    b->ctx = zmq_ctx_new();
    b->pub = b->ctx ? zmq_socket(b->ctx, ZMQ_PUB) : NULL;
    if (b->pub == NULL) {
        snprintf(why, whylen, "cannot create a ZeroMQ socket: %s",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    zmq_setsockopt(b->pub, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    /* Give daemon.stopping a moment to leave at exit, never more. */
    zmq_setsockopt(b->pub, ZMQ_LINGER, &linger, sizeof(linger));
    if (zmq_bind(b->pub, endpoint) != 0) {
        snprintf(why, whylen, "[bus] publish: cannot bind %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    b->endpoint = strdup(endpoint);
    return 0;
}

static json_t *timestamp(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return json_real((double)ts.tv_sec + ts.tv_nsec / 1e9);
}

uint64_t bus_publish(bus *b, const char *topic, json_t *payload)
{
    if (payload == NULL)
        payload = json_object();
    uint64_t seq = ++b->seq;
    json_object_set_new(payload, "seq", json_integer((json_int_t)seq));
    json_object_set_new(payload, "topic", json_string(topic));
    json_object_set_new(payload, "time", timestamp());

    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (text == NULL || b->pub == NULL) {
        free(text);
        return seq;
    }
    /* DONTWAIT: a PUB socket drops at the high-water mark; never block. */
    if (zmq_send(b->pub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(b->pub, text, strlen(text), ZMQ_DONTWAIT) < 0)
        log_debug("event %s (seq %llu) not sent: %s", topic,
                  (unsigned long long)seq, zmq_strerror(zmq_errno()));
    free(text);
    return seq;
}

void bus_close(bus *b)
{
    if (b->pub)
        zmq_close(b->pub);
    if (b->ctx)
        zmq_ctx_term(b->ctx);
    free(b->endpoint);
    memset(b, 0, sizeof(*b));
}
