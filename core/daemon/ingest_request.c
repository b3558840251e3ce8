/*
 * ingest_name.c - which file names a submit may give.  Apart from the
 * socket, so that the rule can be fuzzed on its own: the name is the one
 * thing a remote client says that becomes a path.
 */
#include "ingest.h"

#include <stdint.h>
#include <transcriptd/text.h>

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
