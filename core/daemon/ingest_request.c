/*
 * ingest_request.c - which submit requests are taken, and which file names
 * they may give.  Apart from the socket, so that both can be fuzzed: the
 * frames are what a remote client sends, and the name is the one thing it
 * says that becomes a path.
 */
#include "ingest.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <transcriptd/text.h>

#define USAGE "expected [\"SUBMIT\", name, bytes]"

const char *ingest_check_name(const char *name, size_t len)
{
    if (len == 0)
        return "empty name";
    if (len > INGEST_NAME_MAX)
        return "name longer than 200 bytes";
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int n = td_utf8_decode(name + i, len - i, &cp);
        if (n < 0)
            return "name is not valid UTF-8";
        if (cp == '/')
            return "name contains '/'";
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            return "name contains a control character";
        i += (size_t)n;
    }
    if (name[0] == '.')
        return "name starts with '.'";
    return NULL;
}

static bool frame_is(const ingest_frame *f, const char *s)
{
    return f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}

const char *ingest_check_request(const ingest_frame *f, size_t n, long long max_size,
                                 ingest_request *r, char *why, size_t whylen)
{
    /* [id, "", SUBMIT, name, bytes] from a REQ socket, [id, SUBMIT, ...]
     * from a DEALER. */
    r->delimited = n > 2 && f[1].len == 0;
    size_t first = r->delimited ? 2 : 1;
    if (n != first + 3 || !frame_is(&f[first], "SUBMIT"))
        return USAGE;
    r->name = &f[first + 1];
    r->body = &f[first + 2];
    const char *bad = ingest_check_name(r->name->data, r->name->len);
    if (bad != NULL)
        return bad;
    if (max_size > 0 && r->body->len > (size_t)max_size) {
        snprintf(why, whylen, "file is %zu bytes, more than max_file_size (%lld)",
                 r->body->len, max_size);
        return why;
    }
    return NULL;
}
