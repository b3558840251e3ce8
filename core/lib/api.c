/*
 * api.c - the small pieces of the SDK: version, errors, probe input.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *td_version(void)
{
    return TD_VERSION_STRING;
}

int td_error_set(td_error *err, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return -1;
}

json_t *td__json_string_lossy(const char *s)
{
    json_t *j = json_string(s);
    if (j != NULL || s == NULL)
        return j;
    td_buf fixed = TD_BUF_INIT;
    td_decode_info info;
    if (td_decode(s, strlen(s), &fixed, &info) == 0)
        j = json_string(fixed.data);
    td_buf_free(&fixed);
    return j;
}

void td__input_from_doc(td_input *in, const td_doc *doc)
{
    in->name = td_doc_source_name(doc);
    in->text = td_doc_text(doc, &in->len);
}

const char *td_input_name(const td_input *in)
{
    return in->name;
}

const char *td_input_text(const td_input *in, size_t *len)
{
    if (len != NULL)
        *len = in->len;
    return in->text;
}
