/*
 * metrics.c - see metrics.h.
 */
#include "metrics.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    metrics *m;
    conn *prev, *next;          /* open connections, to close at stop */
    char req[METRICS_MAX_REQUEST];
    size_t len;
    int answered;
    int closing;
    uv_write_t write;
    td_buf out;
};

int metrics_parse_address(const char *listen, struct sockaddr_storage *addr)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen || colon[1] == '\0')
        return UV_EINVAL;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535)
        return UV_EINVAL;
    size_t hlen = (size_t)(colon - listen);
    if (listen[0] == '[' && colon[-1] == ']')
        listen++, hlen -= 2;
    if (hlen >= sizeof(host))
        return UV_EINVAL;
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)addr) == 0)
        return 0;
    return uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)addr);
}

static void on_closed(uv_handle_t *h)
{
    conn *c = h->data;
    /* Two handles: free once both are closed. */
    if (--c->closing == 0) {
        metrics *m = c->m;
        if (c->prev)
            c->prev->next = c->next;
        else
            m->open = c->next;
        if (c->next)
            c->next->prev = c->prev;
        m->conns--;
        td_buf_free(&c->out);
        free(c);
    }
}

static void close_conn(conn *c)
{
    if (c->closing)
        return;
    c->closing = 2;
    uv_close((uv_handle_t *)&c->timer, on_closed);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    close_conn(w->data);
}

static void respond(conn *c, const char *status_line, const char *type,
                    const char *body, size_t len)
{
    c->answered = 1;
    uv_read_stop((uv_stream_t *)&c->tcp);
    td_buf_printf(&c->out, "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                  status_line, type, len);
    td_buf_append(&c->out, body, len);
    if (c->out.data == NULL) {
        close_conn(c);
        return;
    }
    uv_buf_t buf = uv_buf_init(c->out.data, (unsigned)c->out.len);
    c->write.data = c;
    if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, on_written) != 0)
        close_conn(c);
}

static void respond_text(conn *c, const char *status_line, const char *body)
{
    respond(c, status_line, "text/plain; charset=utf-8", body, strlen(body));
}

/* Looks at the request line once the head is complete. */
static void handle(conn *c)
{
    char *eol = memchr(c->req, '\n', c->len);
    size_t n = eol ? (size_t)(eol - c->req) : c->len;
    if (n > 0 && c->req[n - 1] == '\r')
        n--;
    c->req[n] = '\0';
    char *sp1 = strchr(c->req, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 == NULL || sp2 == NULL || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
        respond_text(c, "400 Bad Request", "bad request\n");
        return;
    }
    *sp1 = *sp2 = '\0';
    if (strcmp(c->req, "GET") != 0) {
        respond_text(c, "405 Method Not Allowed", "only GET\n");
        return;
    }
    char *path = sp1 + 1, *query = strchr(path, '?');
    if (query)
        *query = '\0';
    if (strcmp(path, "/metrics") != 0) {
        respond_text(c, "404 Not Found", "not found; try /metrics\n");
        return;
    }
    daemon_counters dc;
    td_buf body = TD_BUF_INIT;
    c->m->status(c->m->arg, &dc);
    if (status_prometheus(&dc, &body) != 0)
        respond_text(c, "500 Internal Server Error", "out of memory\n");
    else
        respond(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8",
                body.data, body.len);
    td_buf_free(&body);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn *c = h->data;
    (void)suggested;
    /* One byte kept for the terminator handle() writes. */
    *buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof(c->req) - 1 - c->len));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn *c = s->data;
    (void)buf;
    if (nread < 0) {
        close_conn(c);
        return;
    }
    c->len += (size_t)nread;
    if (c->answered)
        return;
    if (memmem(c->req, c->len, "\r\n\r\n", 4) || memmem(c->req, c->len, "\n\n", 2))
        handle(c);
    else if (c->len >= sizeof(c->req) - 1)
        respond_text(c, "431 Request Header Fields Too Large", "request too large\n");
}

static void on_timeout(uv_timer_t *t)
{
    close_conn(t->data);
}

static void on_connection(uv_stream_t *server, int status)
{
    metrics *m = server->data;
    if (status != 0)
        return;
    conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return;
    c->m = m;
    uv_tcp_init(server->loop, &c->tcp);
    uv_timer_init(server->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->next = m->open;
    if (m->open)
        m->open->prev = c;
    m->open = c;
    m->conns++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || m->conns > METRICS_MAX_CONNS) {
        close_conn(c);
        return;
    }
    uv_timer_start(&c->timer, on_timeout, METRICS_TIMEOUT_MS, 0);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int metrics_start(metrics *m, uv_loop_t *loop, const char *listen,
                  status_fn status, void *arg, char *why, size_t whylen)
{
    struct sockaddr_storage addr;
    int rc;

    memset(m, 0, sizeof(*m));
    if (listen == NULL || *listen == '\0')
        return 0;
    m->status = status;
    m->arg = arg;
    if ((rc = metrics_parse_address(listen, &addr)) != 0) {
        snprintf(why, whylen, "[metrics] listen: '%s' is not HOST:PORT", listen);
        return -1;
    }
    uv_tcp_init(loop, &m->server);
    m->server.data = m;
    m->listening = 1;
    if ((rc = uv_tcp_bind(&m->server, (struct sockaddr *)&addr, 0)) != 0 ||
        (rc = uv_listen((uv_stream_t *)&m->server, 16, on_connection)) != 0) {
        snprintf(why, whylen, "[metrics] listen: cannot listen on %s: %s",
                 listen, uv_strerror(rc));
        return -1;
    }
    return 0;
}

void metrics_stop(metrics *m)
{
    for (conn *c = m->open; c != NULL; c = c->next)
        close_conn(c);
    if (m->listening)
        uv_close((uv_handle_t *)&m->server, NULL);
    m->listening = 0;
}
