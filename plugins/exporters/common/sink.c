/*
 * sink.c - see sink.h.
 */
#include "sink.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Large enough that the output sees few writes, small enough to not matter. */
#define SINK_FLUSH_AT 65536

void sink_open(sink *s, td_output *out)
{
    *s = (sink){ .out = out, .buf = TD_BUF_INIT };
}

static void flush_if_full(sink *s)
{
    if (s->buf.len < SINK_FLUSH_AT)
        return;
    if (td_output_write(s->out, s->buf.data, s->buf.len) != 0)
        s->failed = true;
    td_buf_reset(&s->buf);
}

void sink_write(sink *s, const char *p, size_t len)
{
    if (td_buf_append(&s->buf, p, len) != 0)
        s->failed = true;
    flush_if_full(s);
}

void sink_puts(sink *s, const char *p)
{
    sink_write(s, p, strlen(p));
}

void sink_putc(sink *s, char c)
{
    if (td_buf_putc(&s->buf, c) != 0)
        s->failed = true;
    flush_if_full(s);
}

void sink_printf(sink *s, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->failed = true;
    } else if ((size_t)n < sizeof(small)) {
        sink_write(s, small, (size_t)n);
    } else {
        va_start(ap, fmt);
        if (td_buf_reserve(&s->buf, (size_t)n) != 0)
            s->failed = true;
        else
            s->buf.len += (size_t)vsnprintf(s->buf.data + s->buf.len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        flush_if_full(s);
    }
}

int sink_close(sink *s)
{
    if (!s->failed && s->buf.len > 0 &&
        td_output_write(s->out, s->buf.data, s->buf.len) != 0)
        s->failed = true;
    td_buf_free(&s->buf);
    return s->failed ? -1 : 0;
}
