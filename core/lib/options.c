/*
 * options.c - the values of a plugin's declared options.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct td_options {
    const td_option *decl;
    size_t n;
    char **values;      /* NULL: the default */
    char **paths;       /* td_opt_path() results, made on first use */
    char *config_dir;
    char *data_dir;
};

const char *td__opt_type_name(td_opt_type type)
{
    switch (type) {
    case TD_OPT_STRING: return "string";
    case TD_OPT_INT: return "integer";
    case TD_OPT_BOOL: return "boolean";
    case TD_OPT_DOUBLE: return "number";
    case TD_OPT_LIST: return "list";
    }
    return "unknown";
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, 0;
    }
    return -EINVAL;
}

static int parse_int(const char *v, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(v, &end, 10);
    return errno || end == v || *end != '\0' ? -EINVAL : 0;
}

static int parse_double(const char *v, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    return errno || end == v || *end != '\0' || !isfinite(*out) ? -EINVAL : 0;
}

int td__option_check(td_opt_type type, const char *value, char *why,
                     size_t whylen)
{
    long long i;
    double d;
    bool b;
    int rc = 0;

    switch (type) {
    case TD_OPT_INT: rc = parse_int(value, &i); break;
    case TD_OPT_BOOL: rc = parse_bool(value, &b); break;
    case TD_OPT_DOUBLE: rc = parse_double(value, &d); break;
    case TD_OPT_STRING:
    case TD_OPT_LIST: break;
    }
    if (rc != 0 && why != NULL)
        snprintf(why, whylen, "'%s' is not a valid %s%s", value,
                 td__opt_type_name(type),
                 type == TD_OPT_BOOL ? " (yes/no, true/false, on/off, 1/0)" : "");
    return rc;
}

td_options *td__options_new(const td_option *decl, const char *config_dir,
                            const char *data_dir)
{
    td_options *o = calloc(1, sizeof(*o));
    if (o == NULL)
        return NULL;
    o->decl = decl;
    while (decl && decl[o->n].name)
        o->n++;
    o->values = calloc(o->n + 1, sizeof(char *));
    o->paths = calloc(o->n + 1, sizeof(char *));
    o->config_dir = strdup(config_dir ? config_dir : ".");
    o->data_dir = strdup(data_dir ? data_dir : ".");
    if (!o->values || !o->paths || !o->config_dir || !o->data_dir) {
        td__options_free(o);
        return NULL;
    }
    return o;
}

void td__options_free(td_options *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->n; i++) {
        if (o->values)
            free(o->values[i]);
        if (o->paths)
            free(o->paths[i]);
    }
    free(o->values);
    free(o->paths);
    free(o->config_dir);
    free(o->data_dir);
    free(o);
}

static ssize_t find(const td_options *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->decl[i].name, name) == 0)
            return (ssize_t)i;
    return -1;
}

int td__options_set(td_options *o, const char *key, const char *value,
                    char *why, size_t whylen)
{
    ssize_t i = find(o, key);
    if (i < 0)
        return -ENOENT;
    int rc = td__option_check(o->decl[i].type, value, why, whylen);
    if (rc != 0)
        return rc;
    char *copy = strdup(value);
    if (copy == NULL)
        return -ENOMEM;
    free(o->values[i]);
    o->values[i] = copy;
    return 0;
}

/* The value as written (config or default), or NULL if not declared. */
static const char *raw(const td_options *o, const char *name, ssize_t *at)
{
    ssize_t i = o ? find(o, name) : -1;
    if (at)
        *at = i;
    if (i < 0)
        return NULL;
    return o->values[i] ? o->values[i] : o->decl[i].def ? o->decl[i].def : "";
}

const char *td_opt_string(const td_options *o, const char *name)
{
    const char *v = raw(o, name, NULL);
    return v ? v : "";
}

long long td_opt_int(const td_options *o, const char *name)
{
    long long v = 0;
    const char *s = raw(o, name, NULL);
    return s && parse_int(s, &v) == 0 ? v : 0;
}

bool td_opt_bool(const td_options *o, const char *name)
{
    bool v = false;
    const char *s = raw(o, name, NULL);
    return s && parse_bool(s, &v) == 0 ? v : false;
}

double td_opt_double(const td_options *o, const char *name)
{
    double v = 0;
    const char *s = raw(o, name, NULL);
    return s && parse_double(s, &v) == 0 ? v : 0;
}

const char *td_opt_path(const td_options *o, const char *name)
{
    ssize_t i;
    const char *v = raw(o, name, &i);
    if (v == NULL || *v == '\0')
        return "";
    if (o->paths[i] != NULL)
        return o->paths[i];

    td_buf p = TD_BUF_INIT;
    if (v[0] == '/') {
        td_buf_append(&p, v, strlen(v));
    } else {
        td_buf_printf(&p, "%s/%s", o->config_dir, v);
        if (p.data && access(p.data, F_OK) != 0) {
            td_buf_reset(&p);
            td_buf_printf(&p, "%s/%s", o->data_dir, v);
        }
    }
    /* The cache is filled once per option; callers treat it as const. */
    ((td_options *)o)->paths[i] = p.data;
    return p.data ? p.data : "";
}
