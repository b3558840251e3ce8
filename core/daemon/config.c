/*
 * config.c - see config.h.
 */
#include "config.h"

#include "endpoint.h"
#include "internal.h"
#include "log.h"
#include "paths.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char td_default_conf[];

typedef enum { K_PATH, K_STRING, K_INT, K_BOOL, K_LIST, K_PARSERS } key_kind;

/* The daemon's own keys.  Defaults live in conf/transcriptd.conf only. */
static const struct core_key {
    const char *section;
    const char *key;
    key_kind kind;
    size_t offset;
    const char *help;
} CORE_KEYS[] = {
#define F(field) offsetof(config, field)
    { "daemon", "inbox", K_PATH, F(inbox), "the drop folder" },
    { "daemon", "outbox", K_PATH, F(outbox), "where outputs are written" },
    { "daemon", "work", K_PATH, F(work), "claimed files in progress" },
    { "daemon", "done", K_PATH, F(done), "processed source files" },
    { "daemon", "failed", K_PATH, F(failed), "failed files and their .error.json" },
    { "daemon", "state", K_PATH, F(state), "the daemon's own state (event journal)" },
    { "daemon", "workers", K_INT, F(workers), "worker threads (0 = one per core), or local worker processes with isolation = process (0 = none)" },
    { "daemon", "fsync", K_BOOL, F(fsync), "fsync outputs and moves before announcing them" },
    { "daemon", "max_file_size", K_INT, F(max_file_size), "larger files fail unread (bytes)" },
    { "daemon", "job_timeout", K_INT, F(job_timeout), "seconds one document may take (a worker process past it is killed); 0 = no limit" },
    { "daemon", "max_doc_memory", K_INT, F(max_doc_memory), "bytes one document may hold; 0 = no limit" },
    { "daemon", "max_queue", K_INT, F(max_queue), "names kept waiting in memory; more are found by a rescan" },
    { "daemon", "log_level", K_STRING, F(log_level), "error, warning, notice, info or debug" },
    { "daemon", "control", K_STRING, F(control), "ZeroMQ endpoint `transcriptd status` asks; ipc:// paths are from the state folder; empty = none" },
    { "daemon", "isolation", K_STRING, F(isolation), "thread: the chain runs in the daemon; process: in `transcriptd worker` processes" },
    { "daemon", "workers_endpoint", K_STRING, F(workers_endpoint), "ZeroMQ endpoint worker processes connect to; ipc:// paths are from the state folder" },
    { "daemon", "worker_memory", K_INT, F(worker_memory), "MB of address space a worker process may add for documents; 0 = no limit" },
    { "bus", "publish", K_STRING, F(publish), "ZeroMQ endpoint of the event PUB socket" },
    { "bus", "replay", K_STRING, F(replay), "ZeroMQ endpoint answering replay requests; empty = none" },
    { "bus", "journal_events", K_INT, F(journal_events), "events kept in the journal for replay" },
    { "bus", "heartbeat", K_INT, F(heartbeat_ms), "milliseconds between daemon.heartbeat events; 0 = none" },
    { "metrics", "listen", K_STRING, F(metrics_listen), "HOST:PORT serving GET /metrics (Prometheus); empty = none" },
    { "bus", "ingest", K_STRING, F(ingest), "ZeroMQ endpoint accepting submitted files; empty = none" },
    { "bus", "send_hwm", K_INT, F(send_hwm), "events queued per subscriber before it loses some" },
    { "bus", "insecure", K_BOOL, F(insecure), "allow a non-loopback tcp endpoint without CURVE" },
    { "bus", "curve_server_key", K_PATH, F(curve_server_key), "the daemon's CURVE secret key file; empty = no CURVE" },
    { "bus", "curve_clients", K_PATH, F(curve_clients), "folder of the client public keys allowed in" },
    { "plugins", "path", K_STRING, F(plugin_path), "colon-separated plugin folders; empty = built-in" },
    { "pipeline", "parsers", K_PARSERS, F(parsers), "parsers that compete by probe, or auto" },
    { "pipeline", "cleaners", K_LIST, F(cleaners), "cleaners, in run order" },
    { "pipeline", "summarizers", K_LIST, F(summarizers), "summarizers, in run order" },
    { "pipeline", "exporters", K_LIST, F(exporters), "exporters, in run order" },
#undef F
};
#define NKEYS (sizeof(CORE_KEYS) / sizeof(CORE_KEYS[0]))

static bool core_section(const char *s)
{
    return !strcmp(s, "daemon") || !strcmp(s, "bus") || !strcmp(s, "plugins") ||
           !strcmp(s, "pipeline") || !strcmp(s, "metrics");
}

/* State of one parse: which file, which line, which lists were reset. */
typedef struct parse_ctx {
    config *c;
    const char *file;
    int line;
    FILE *fp;             /* a file, or NULL for the built-in string */
    const char *str;
    bool touched[NKEYS];  /* list keys replaced in this file */
    char section[128];
} parse_ctx;

void config_error(config *c, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    td_buf_printf(&c->errors, "%s:%d: %s\n", c->source, line, msg);
    c->nerrors++;
}

static void list_clear(conf_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    free(l->lines);
    memset(l, 0, sizeof(*l));
}

static int list_add_words(conf_list *l, const char *value, int line)
{
    char *copy = strdup(value), *save = NULL;
    if (copy == NULL)
        return -ENOMEM;
    for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        char **items = realloc(l->items, (l->n + 1) * sizeof(*items));
        int *lines = items ? realloc(l->lines, (l->n + 1) * sizeof(*lines)) : NULL;
        if (items)
            l->items = items;
        if (lines == NULL) {
            free(copy);
            return -ENOMEM;
        }
        l->lines = lines;
        l->items[l->n] = strdup(w);
        l->lines[l->n++] = line;
    }
    free(copy);
    return 0;
}

static void set_core(parse_ctx *p, size_t k, const char *value)
{
    config *c = p->c;
    const struct core_key *key = &CORE_KEYS[k];
    void *field = (char *)c + key->offset;
    char why[256];

    switch (key->kind) {
    case K_PATH:
    case K_STRING:
        free(*(char **)field);
        *(char **)field = strdup(value);
        return;
    case K_INT:
        if (td__option_check(TD_OPT_INT, value, why, sizeof(why)) != 0)
            config_error(c, p->line, "[%s] %s: %s", key->section, key->key, why);
        else
            *(long long *)field = strtoll(value, NULL, 10);
        return;
    case K_BOOL:
        if (td__option_check(TD_OPT_BOOL, value, why, sizeof(why)) != 0)
            config_error(c, p->line, "[%s] %s: %s", key->section, key->key, why);
        else
            *(bool *)field = strchr("yYtT1", value[0]) ||
                             !strcasecmp(value, "on");
        return;
    case K_PARSERS:
    case K_LIST:
        /* A file's first mention replaces the defaults; later lines add. */
        if (!p->touched[k]) {
            list_clear(field);
            p->touched[k] = true;
            if (key->kind == K_PARSERS)
                c->parsers_auto = false;
        }
        if (key->kind == K_PARSERS && strcmp(value, "auto") == 0) {
            c->parsers_auto = true;
            return;
        }
        if (list_add_words(field, value, p->line) != 0)
            config_error(c, p->line, "out of memory");
        return;
    }
}

static int on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    parse_ctx *p = user;
    config *c = p->c;

    if (!core_section(section)) {
        conf_entry *e = realloc(c->plugin_opts, (c->nplugin_opts + 1) * sizeof(*e));
        if (e == NULL)
            return 0;
        c->plugin_opts = e;
        e[c->nplugin_opts++] = (conf_entry){ strdup(section), strdup(name),
                                             strdup(value), p->line };
        return 1;
    }
    for (size_t k = 0; k < NKEYS; k++)
        if (!strcmp(CORE_KEYS[k].section, section) && !strcmp(CORE_KEYS[k].key, name)) {
            set_core(p, k, value);
            return 1;
        }
    config_error(c, p->line, "unknown key '%s' in [%s]", name, section);
    return 1;
}

/* Records a section header so that unknown sections can be named with a line. */
static void note_line(parse_ctx *p, const char *line)
{
    const char *s = line + strspn(line, " \t");
    if (*s == '\0' || *s == '\n' || *s == ';' || *s == '#')
        return;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (end == NULL) {
            config_error(p->c, p->line, "section header without ']'");
            return;
        }
        config *c = p->c;
        conf_entry *e = realloc(c->sections, (c->nsections + 1) * sizeof(*e));
        if (e == NULL)
            return;
        c->sections = e;
        e[c->nsections++] = (conf_entry){ strndup(s + 1, (size_t)(end - s - 1)),
                                          NULL, NULL, p->line };
        return;
    }
    if (s == line && strchr(s, '=') == NULL && strchr(s, ':') == NULL)
        config_error(p->c, p->line, "expected 'key = value' or '[section]'");
}

/* inih reads line by line through this, which lets us count lines. */
static char *read_line(char *buf, int size, void *stream)
{
    parse_ctx *p = stream;
    char *got;

    if (p->fp != NULL) {
        got = fgets(buf, size, p->fp);
    } else {
        if (*p->str == '\0')
            return NULL;
        const char *nl = strchr(p->str, '\n');
        size_t n = nl ? (size_t)(nl - p->str) + 1 : strlen(p->str);
        if (n > (size_t)size - 1)
            n = (size_t)size - 1;
        memcpy(buf, p->str, n);
        buf[n] = '\0';
        p->str += n;
        got = buf;
    }
    if (got == NULL)
        return NULL;
    p->line++;
    size_t len = strlen(buf);
    if (len == (size_t)size - 1 && buf[len - 1] != '\n') {
        config_error(p->c, p->line, "line longer than %d bytes", size - 2);
        /* Skip the rest of the line. */
        int ch;
        while (p->fp && (ch = fgetc(p->fp)) != EOF && ch != '\n')
            ;
        while (!p->fp && *p->str && *p->str != '\n')
            p->str++;
        buf[0] = '\0';
        return buf;
    }
    note_line(p, buf);
    return buf;
}

static int parse_source(config *c, const char *file, FILE *fp, const char *str)
{
    parse_ctx *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return -ENOMEM;
    *p = (parse_ctx){ .c = c, .file = file, .fp = fp, .str = str };
    int rc = ini_parse_stream(read_line, p, on_key, p);
    free(p);
    return rc;
}

/* A relative ipc:// socket lives in the state folder. */
static void place_ipc(config *c, char **endpoint, const char *key)
{
    if (strncmp(*endpoint, "ipc://", 6) != 0)
        return;
    const char *p = *endpoint + 6;
    if (p[0] != '/') {
        td_buf b = TD_BUF_INIT;
        td_buf_printf(&b, "ipc://%s/%s", c->state, p[0] == '.' && p[1] == '/' ? p + 2 : p);
        if (b.data != NULL) {
            free(*endpoint);
            *endpoint = b.data;
        }
    }
    /* sun_path holds 108 bytes with its terminator. */
    if (strlen(*endpoint) - 6 > 107)
        config_error(c, 0, "[daemon] %s: socket path %s is longer than "
                     "107 bytes; give a shorter one", key, *endpoint + 6);
}

static void check_isolation(config *c)
{
    if (strcmp(c->isolation, "thread") != 0 && strcmp(c->isolation, "process") != 0)
        config_error(c, 0, "[daemon] isolation: '%s' is not thread or process",
                     c->isolation);
    if (strncmp(c->workers_endpoint, "ipc://", 6) != 0 &&
        strncmp(c->workers_endpoint, "tcp://", 6) != 0)
        config_error(c, 0, "[daemon] workers_endpoint: '%s' is not an ipc:// or "
                     "tcp:// endpoint", c->workers_endpoint);
    if (c->worker_memory < 0 || c->worker_memory > 1048576)
        config_error(c, 0, "[daemon] worker_memory must be between 0 and 1048576 MB");
}

static void absolutize(char **path)
{
    char *abs = path_absolute(*path);
    if (abs != NULL) {
        free(*path);
        *path = abs;
    }
}

/* Endpoints other machines can reach need CURVE, or a deliberate "insecure". */
static void check_exposure(config *c)
{
    const char *keys[] = { "publish", "replay", "ingest" };
    const char *values[] = { c->publish, c->replay, c->ingest };

    for (size_t i = 0; i < 3; i++)
        if (*values[i] && !endpoint_is_local(values[i]) && !*c->curve_server_key &&
            !c->insecure)
            config_error(c, 0, "[bus] %s: %s is reachable from other machines; "
                         "set curve_server_key and curve_clients, or insecure = yes",
                         keys[i], values[i]);
}

/* The built-in defaults: a fresh config, before the user's file. */
static int load_defaults(config *c)
{
    memset(c, 0, sizeof(*c));
    c->source = strdup("built-in defaults");
    c->dir = path_absolute(".");
    if (parse_source(c, c->source, NULL, td_default_conf) != 0 || c->nerrors) {
        /* The shipped default is tested; this only fires on a broken build. */
        log_error("the built-in config is broken:\n%s", c->errors.data);
        return c->nerrors ? c->nerrors : 1;
    }
    return 0;
}

/* Makes folders absolute and checks what one key alone cannot. */
static int finish_load(config *c)
{
    absolutize(&c->inbox);
    absolutize(&c->outbox);
    absolutize(&c->work);
    absolutize(&c->done);
    absolutize(&c->failed);
    absolutize(&c->state);
    place_ipc(c, &c->control, "control");
    place_ipc(c, &c->workers_endpoint, "workers_endpoint");
    check_isolation(c);
    if (*c->curve_server_key)
        absolutize(&c->curve_server_key);
    if (*c->curve_clients)
        absolutize(&c->curve_clients);
    if (c->journal_events < 1)
        config_error(c, 0, "[bus] journal_events must be at least 1");
    if (c->heartbeat_ms < 0)
        config_error(c, 0, "[bus] heartbeat must be 0 or more milliseconds");
    if (c->send_hwm < 1 || c->send_hwm > 100000000)
        config_error(c, 0, "[bus] send_hwm must be between 1 and 100000000");
    if (!*c->curve_server_key != !*c->curve_clients)
        config_error(c, 0, "[bus] curve_server_key and curve_clients go together: "
                     "set both or neither");
    check_exposure(c);
    if (c->job_timeout < 0 || c->job_timeout > 86400 * 7)
        config_error(c, 0, "[daemon] job_timeout must be between 0 and 604800 seconds");
    if (c->max_doc_memory < 0)
        config_error(c, 0, "[daemon] max_doc_memory must be 0 or more bytes");
    if (c->max_queue < 1)
        config_error(c, 0, "[daemon] max_queue must be at least 1");
    if (c->workers < 0 || c->workers > 256)
        config_error(c, 0, "[daemon] workers must be between 0 and 256");
    if (log_level_from_name(c->log_level) < 0)
        config_error(c, 0, "[daemon] log_level: '%s' is not one of error, "
                     "warning, notice, info, debug", c->log_level);
    if (!c->parsers_auto && c->parsers.n == 0)
        config_error(c, 0, "[pipeline] parsers: name at least one parser, or auto");
    return c->nerrors;
}

int config_load(config *c, const char *path)
{
    int rc = load_defaults(c);
    if (rc != 0)
        return rc;
    /* Plugin sections of the defaults are not the user's to be blamed for. */
    if (path != NULL) {
        FILE *fp = fopen(path, "r");
        free(c->source);
        c->source = strdup(path);
        if (fp == NULL) {
            config_error(c, 0, "cannot open: %s", strerror(errno));
            return c->nerrors;
        }
        free(c->dir);
        char *d = path_dirname(path);
        c->dir = path_absolute(d);
        free(d);
        parse_source(c, path, fp, NULL);
        fclose(fp);
    }
    return finish_load(c);
}

int config_load_text(config *c, const char *name, const char *text, size_t len)
{
    int rc = load_defaults(c);
    if (rc != 0)
        return rc;
    free(c->source);
    c->source = strdup(name);
    /* Read as a stream, so that the bytes take the very path a file's do. */
    FILE *fp = len > 0 ? fmemopen((void *)text, len, "r") : NULL;
    if (fp != NULL) {
        parse_source(c, name, fp, NULL);
        fclose(fp);
    }
    return finish_load(c);
}

static void entries_free(conf_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].section);
        free(e[i].key);
        free(e[i].value);
    }
    free(e);
}

void config_free(config *c)
{
    free(c->source);
    free(c->dir);
    for (size_t k = 0; k < NKEYS; k++) {
        void *field = (char *)c + CORE_KEYS[k].offset;
        if (CORE_KEYS[k].kind == K_LIST || CORE_KEYS[k].kind == K_PARSERS)
            list_clear(field);
        else if (CORE_KEYS[k].kind == K_PATH || CORE_KEYS[k].kind == K_STRING)
            free(*(char **)field);
    }
    entries_free(c->plugin_opts, c->nplugin_opts);
    entries_free(c->sections, c->nsections);
    td_buf_free(&c->errors);
    memset(c, 0, sizeof(*c));
}

static const char *const RESTART_KEYS[] = {
    "daemon.inbox", "daemon.outbox", "daemon.work", "daemon.done",
    "daemon.failed", "daemon.state", "daemon.workers", "daemon.control",
    "daemon.isolation", "daemon.workers_endpoint",
    "bus.publish", "bus.replay", "bus.journal_events", "metrics.listen",
};

static bool needs_restart(const struct core_key *k)
{
    char name[64];
    snprintf(name, sizeof(name), "%s.%s", k->section, k->key);
    for (size_t i = 0; i < sizeof(RESTART_KEYS) / sizeof(RESTART_KEYS[0]); i++)
        if (strcmp(RESTART_KEYS[i], name) == 0)
            return true;
    return false;
}

void config_restart_changes(const config *old, const config *new_,
                            void (*fn)(const char *section, const char *key,
                                       void *arg), void *arg)
{
    for (size_t k = 0; k < NKEYS; k++) {
        const struct core_key *key = &CORE_KEYS[k];
        const void *a = (const char *)old + key->offset;
        const void *b = (const char *)new_ + key->offset;
        bool same = true;
        if (!needs_restart(key))
            continue;
        if (key->kind == K_PATH || key->kind == K_STRING)
            same = strcmp(*(char *const *)a, *(char *const *)b) == 0;
        else if (key->kind == K_INT)
            same = *(const long long *)a == *(const long long *)b;
        if (!same)
            fn(key->section, key->key, arg);
    }
}

void config_print_keys(void)
{
    for (size_t k = 0; k < NKEYS; k++)
        printf("  [%s] %-14s %s\n", CORE_KEYS[k].section, CORE_KEYS[k].key,
               CORE_KEYS[k].help);
}
