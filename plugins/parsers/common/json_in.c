/*
 * json_in.c - see json_in.h.
 */
#include "json_in.h"

#include <math.h>
#include <string.h>

json_t *json_in_load(td_doc *doc, const char *format, td_error *err)
{
    size_t len;
    const char *text = td_doc_text(doc, &len);
    json_error_t e;
    json_t *root = json_loadb(text, len, 0, &e);

    if (root != NULL)
        return root;
    /* jansson quotes the input near the error: keep the message ASCII. */
    for (char *p = e.text; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    td_error_set(err, "not valid %s: line %d, column %d: %s", format, e.line,
                 e.column, e.text);
    return NULL;
}

int json_in_seconds(const json_t *v, td_ms *out)
{
    double s;
    if (json_is_integer(v))
        s = (double)json_integer_value(v);
    else if (json_is_real(v))
        s = json_real_value(v);
    else
        return -1;
    if (!(s >= 0 && s <= JSON_IN_MAX_SECONDS))
        return -1;
    *out = (td_ms)llround(s * 1000.0);
    return 0;
}

bool json_in_mentions(const char *text, size_t len, char open,
                      const char *const *keys)
{
    size_t i = 0;
    while (i < len && strchr(" \t\n", text[i]))
        i++;
    if (i == len || text[i] != open)
        return false;
    for (; *keys; keys++)
        if (memmem(text, len, *keys, strlen(*keys)) == NULL)
            return false;
    return true;
}
