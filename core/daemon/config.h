/*
 * config.h - the daemon's configuration: an INI file read with inih over
 * the built-in defaults (conf/transcriptd.conf, compiled in).
 *
 * Loading checks the daemon's own sections.  Plugin sections are kept as
 * they are and checked against the plugins' declared options by chain.c,
 * once the plugins are loaded.  Every error carries its line number, and
 * all of them are collected, not only the first.
 */
#ifndef TD_CONFIG_H
#define TD_CONFIG_H

#include <stdbool.h>
#include <transcriptd/text.h>

typedef struct conf_list {
    char **items;
    int *lines;
    size_t n;
} conf_list;

/* A key=value of a plugin's section, checked later. */
typedef struct conf_entry {
    char *section;
    char *key;
    char *value;
    int line;
} conf_entry;

typedef struct config {
    char *source;           /* the file, or "built-in defaults" */
    char *dir;              /* its folder: plugin paths resolve from here */

    char *inbox, *outbox, *work, *done, *failed;
    char *state;            /* the daemon's own files: the event journal */
    long long workers;      /* 0 = one per core */
    bool fsync;
    long long max_file_size;
    long long job_timeout;      /* seconds per document; 0 = none */
    long long max_doc_memory;   /* bytes per document; 0 = none */
    long long max_queue;        /* names waiting to be claimed */
    char *log_level;
    char *control;          /* ZeroMQ endpoint for `transcriptd status`; "" = none */
    char *isolation;        /* "thread" or "process" (see broker.h) */
    char *workers_endpoint; /* where worker processes connect */
    long long worker_memory;    /* MB of address space a worker may add; 0 = no limit */

    char *publish;
    char *replay;
    long long journal_events;
    long long heartbeat_ms;
    char *ingest;
    long long send_hwm;
    bool insecure;
    char *curve_server_key;
    char *curve_clients;

    char *metrics_listen;   /* HOST:PORT of the Prometheus endpoint; "" = none */

    char *plugin_path;      /* "" = next to the binary, then installed */

    bool parsers_auto;
    conf_list parsers, cleaners, summarizers, exporters;

    conf_entry *plugin_opts;
    size_t nplugin_opts;
    /* Sections seen, with the line they start at, for "unknown section". */
    conf_entry *sections;
    size_t nsections;

    td_buf errors;          /* "FILE:LINE: message\n" lines */
    int nerrors;
} config;

/*
 * Loads the built-in defaults, then the file at path over them (path NULL:
 * defaults only).  Relative folders become absolute, from the working
 * directory.  Returns the number of errors found (see c->errors); the
 * config must be freed with config_free() either way.
 */
int config_load(config *c, const char *path);
/*
 * The same, with the file's bytes given (len of them, NULs allowed) and
 * named name in errors: for tests and fuzzing.
 */
int config_load_text(config *c, const char *name, const char *text, size_t len);
void config_free(config *c);
void config_error(config *c, int line, const char *fmt, ...) TD_PRINTF(3, 4);

/*
 * Calls fn for every key whose new value a running daemon cannot take
 * without a restart (folders, sockets, workers), when old and new differ.
 */
void config_restart_changes(const config *old, const config *new_,
                            void (*fn)(const char *section, const char *key,
                                       void *arg), void *arg);

/* One line per key of the daemon's own sections, for --help output. */
void config_print_keys(void);

#endif
