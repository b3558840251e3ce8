/*
 * api.c - the small pieces of the SDK: version, errors, probe input.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

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
