/*
 * buf.c - td_buf, the growable byte buffer of text.h.
 */
#include <transcriptd/text.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int td_buf_reserve(td_buf *b, size_t extra)
{
    /* +1 keeps room for the terminator every append writes. */
    if (extra > SIZE_MAX - b->len - 1)
        return -ENOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return -ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int td_buf_append(td_buf *b, const void *data, size_t len)
{
    if (td_buf_reserve(b, len) != 0)
        return -ENOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int td_buf_putc(td_buf *b, char c)
{
    if (b->len + 1 >= b->cap && td_buf_reserve(b, 1) != 0)
        return -ENOMEM;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
}

int td_buf_printf(td_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -EINVAL;
    if (td_buf_reserve(b, (size_t)n) != 0)
        return -ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void td_buf_reset(td_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void td_buf_free(td_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
