/*
 * sink.h - buffered writing to an exporter output that remembers the
 * first failure, so that an exporter writing many small pieces checks
 * once, at the end.
 *
 * Compiled into each exporter that uses it; nothing here is exported.
 */
#ifndef TD_EXPORTERS_SINK_H
#define TD_EXPORTERS_SINK_H

#include <transcriptd/transcriptd.h>

typedef struct sink {
    td_output *out;
    td_buf buf;
    bool failed;
} sink;

void sink_open(sink *s, td_output *out);
void sink_write(sink *s, const char *p, size_t len);
void sink_puts(sink *s, const char *p);
void sink_putc(sink *s, char c);
void sink_printf(sink *s, const char *fmt, ...) TD_PRINTF(2, 3);
/* Writes what is buffered and frees the buffer: 0, or -1 if anything failed. */
int sink_close(sink *s);

#endif
