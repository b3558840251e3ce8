/*
 * wire.c - see wire.h.
 */
#include "wire.h"

#include <errno.h>
#include <stdio.h>

int wire_recv(void *sock, wire_msg *m)
{
    m->n = 0;
    m->truncated = false;
    for (int more = 1; more;) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, sock, ZMQ_DONTWAIT) < 0) {
            int saved = zmq_errno();
            zmq_msg_close(&part);
            wire_close(m);
            errno = saved;
            return -1;
        }
        more = zmq_msg_more(&part);
        if (m->n < WIRE_MAX_FRAMES) {
            m->f[m->n++] = part;
        } else {
            m->truncated = true;
            zmq_msg_close(&part);
        }
    }
    return 0;
}

void wire_close(wire_msg *m)
{
    for (size_t i = 0; i < m->n; i++)
        zmq_msg_close(&m->f[i]);
    m->n = 0;
}

bool wire_is(const wire_msg *m, size_t i, const char *s)
{
    if (i >= m->n)
        return false;
    size_t len = strlen(s);
    zmq_msg_t *f = (zmq_msg_t *)&m->f[i];
    return zmq_msg_size(f) == len && memcmp(zmq_msg_data(f), s, len) == 0;
}

char *wire_str(const wire_msg *m, size_t i, char *buf, size_t len)
{
    buf[0] = '\0';
    if (i >= m->n || len == 0)
        return buf;
    zmq_msg_t *f = (zmq_msg_t *)&m->f[i];
    size_t n = zmq_msg_size(f) < len - 1 ? zmq_msg_size(f) : len - 1;
    memcpy(buf, zmq_msg_data(f), n);
    buf[n] = '\0';
    return buf;
}

int wire_send(void *sock, const void *id, size_t idlen, const wire_part *parts,
              size_t n)
{
    /* The first frame decides: once it is accepted, the rest are too. */
    if (id != NULL && zmq_send(sock, id, idlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    int flags = ZMQ_DONTWAIT | (n > 0 ? ZMQ_SNDMORE : 0);
    if (zmq_send(sock, WIRE_PROTOCOL, strlen(WIRE_PROTOCOL), flags) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        flags = ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send(sock, parts[i].data, parts[i].len, flags) < 0)
            return -1;
    }
    return 0;
}
