/*
 * clean_bench.c - how fast the cleaner chain runs, in MB of source text
 * per second on one core.
 *
 *   clean_bench PLUGIN_DIR CORPUS_DIR [MIN_MB [CLEANER...]]
 *
 * Every file of CORPUS_DIR is parsed by the best parser found in
 * PLUGIN_DIR (or, when none takes it, split into one segment per line,
 * "Name: text (h:mm:ss)" lines getting a speaker and a time, as a page of
 * turns would), then run through the cleaners and freed, as the daemon
 * does, round after round until MIN_MB (default 32) went through.  Each
 * cleaner is timed in thread CPU time: MB/s per core, whatever else the
 * machine runs.  The cleaners are the [pipeline] cleaners of
 * conf/transcriptd.conf unless named.
 */
#include <transcriptd/transcriptd.h>

#include "internal.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STAGES 32
#define REPEATS 3

typedef struct stage {
    const td_plugin *p;
    void *state;
    td_options *opts;
    double seconds;
} stage;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* one core, whatever else runs */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "clean_bench: %s: %s\n", what, why);
    exit(1);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    td_buf b = TD_BUF_INIT;
    char chunk[65536];
    size_t n;
    if (f == NULL)
        die(path, "cannot read");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        td_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

/* ---- plugins ------------------------------------------------------------------ */

static const td_plugin *open_plugin(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.so", dir, name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        die(path, dlerror());
    const td_plugin *(*entry)(void) = (const td_plugin *(*)(void))dlsym(h, TD_PLUGIN_ENTRY);
    if (entry == NULL)
        die(path, "no entry point");
    return entry();
}

/* A plugin, started with its default options (data files from the source). */
static stage start(const td_plugin *p)
{
    stage s = { p, NULL, NULL, 0 };
    td_error err = { "" };
    s.opts = td__options_new(p->options, TD_SOURCE_DIR "/conf", TD_SOURCE_DIR);
    if (p->init && p->init(&s.state, s.opts, &err) != 0)
        die(p->name, err.message);
    return s;
}

/* The parsers in dir: every .so whose plugin is a parser. */
static size_t load_parsers(const char *dir, stage *out, size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    if (d == NULL)
        die(dir, "cannot open");
    while ((e = readdir(d)) != NULL && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(len - 3), e->d_name);
        const td_plugin *p = open_plugin(dir, name);
        if (p->kind == TD_PARSER)
            out[n++] = start(p);
    }
    closedir(d);
    return n;
}

/* The cleaners named in the [pipeline] of the shipped config. */
static size_t default_cleaners(char names[MAX_STAGES][64])
{
    size_t len, n = 0;
    char *conf = read_all(TD_SOURCE_DIR "/conf/transcriptd.conf", &len);
    char *line = strstr(conf, "\ncleaners =");
    if (line == NULL)
        die("conf/transcriptd.conf", "no cleaners line");
    line += strlen("\ncleaners =");
    line[strcspn(line, "\n")] = '\0';
    for (char *tok = strtok(line, " \t"); tok && n < MAX_STAGES; tok = strtok(NULL, " \t"))
        snprintf(names[n++], 64, "%s", tok);
    free(conf);
    return n;
}

/* ---- documents --------------------------------------------------------------------- */

/* One segment per line; "Name: text (h:mm:ss)" lines are turns. */
static void split_lines(td_doc *doc)
{
    size_t len;
    const char *p = td_doc_text(doc, &len), *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line = p, *stop = nl ? nl : end;
        p = nl ? nl + 1 : end;
        if (stop == line)
            continue;
        const char *colon = memchr(line, ':', (size_t)(stop - line));
        const char *open = stop - line > 4 && stop[-1] == ')' ? memrchr(line, '(', (size_t)(stop - line)) : NULL;
        td_ms at = TD_TIME_UNKNOWN;
        int speaker = TD_NO_SPEAKER;
        if (colon && colon - line < 40 && colon[1] == ' ' && open && open > colon &&
            td_time_parse(open + 1, (size_t)(stop - open - 2), &at) == (size_t)(stop - open - 2)) {
            speaker = td_doc_speaker(doc, line, (size_t)(colon - line));
            line = colon + 2;
            stop = open > line ? open - 1 : open;
        } else {
            at = TD_TIME_UNKNOWN;
        }
        td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, speaker, TD_SEG_SPEECH, line,
                           (size_t)(stop - line));
    }
}

/* Runs one cleaner on doc as the chain does; returns the seconds it took. */
static double run_stage(const stage *s, td_doc *doc)
{
    td_error err = { "" };
    double t0 = now();
    td__doc_set_running(doc, s->p->name);
    if (s->p->run(s->state, doc, &err) != 0)
        die(s->p->name, err.message);
    td__doc_set_running(doc, NULL);
    td__doc_compact(doc);
    return now() - t0;
}

static td_doc *parse(const char *name, const char *bytes, size_t len,
                     const stage *parsers, size_t nparsers)
{
    td_error err = { "" };
    td_doc *doc = td_doc_new(name, bytes, len, &err);
    if (doc == NULL)
        die(name, err.message);
    td_input in;
    td__input_from_doc(&in, doc);
    const stage *best = NULL;
    int score = 0;
    for (size_t i = 0; i < nparsers; i++) {
        int s = parsers[i].p->probe(parsers[i].state, &in);
        if (s > score) {
            score = s;
            best = &parsers[i];
        }
    }
    if (best != NULL) {
        td_doc_set_format(doc, best->p->name);
        if (best->p->run(best->state, doc, &err) != 0)
            die(name, err.message);
        td__doc_compact(doc);
    } else {
        td_doc_set_format(doc, "lines");
        split_lines(doc);
    }
    return doc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: clean_bench PLUGIN_DIR CORPUS_DIR [MIN_MB [CLEANER...]]\n");
        return 2;
    }
    double min_mb = argc > 3 ? atof(argv[3]) : 32;
    char names[MAX_STAGES][64];
    size_t ncleaners = 0;
    for (int i = 4; i < argc && ncleaners < MAX_STAGES; i++)
        snprintf(names[ncleaners++], 64, "%s", argv[i]);
    if (ncleaners == 0)
        ncleaners = default_cleaners(names);

    stage parsers[MAX_STAGES], cleaners[MAX_STAGES];
    size_t nparsers = load_parsers(argv[1], parsers, MAX_STAGES);
    for (size_t i = 0; i < ncleaners; i++)
        cleaners[i] = start(open_plugin(argv[1], names[i]));

    /* The corpus, read once. */
    char *files[64], *bytes[64];
    size_t sizes[64], nfiles = 0, corpus = 0;
    DIR *d = opendir(argv[2]);
    struct dirent *e;
    if (d == NULL)
        die(argv[2], "cannot open");
    while ((e = readdir(d)) != NULL && nfiles < 64) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[2], e->d_name);
        files[nfiles] = strdup(e->d_name);
        bytes[nfiles] = read_all(path, &sizes[nfiles]);
        corpus += sizes[nfiles++];
    }
    closedir(d);
    if (corpus == 0)
        die(argv[2], "empty corpus");

    size_t copies = (size_t)(min_mb * 1e6 / (double)corpus) + 1;
    double mb = (double)(corpus * copies) / 1e6, parse_s = 0, total = 0;
    printf("corpus: %zu files, %.1f kB, %zu rounds = %.1f MB (best of %d)\n", nfiles,
           (double)corpus / 1e3, copies, mb, REPEATS);

    /* As in the daemon: each document parsed, cleaned and freed in turn.
     * Three runs; each stage's best counts (the machine may be busy). */
    double best[MAX_STAGES], best_parse = 0;
    for (int rep = 0; rep < REPEATS; rep++) {
        double stage_s[MAX_STAGES] = { 0 };
        parse_s = 0;
        for (size_t c = 0; c < copies; c++) {
            for (size_t f = 0; f < nfiles; f++) {
                double t0 = now();
                td_doc *doc = parse(files[f], bytes[f], sizes[f], parsers, nparsers);
                parse_s += now() - t0;
                if (c == 0 && rep == 0)
                    printf("  %-32s %-10s %6zu segments\n", files[f], td_doc_format(doc),
                           td_doc_segment_count(doc));
                for (size_t i = 0; i < ncleaners; i++)
                    stage_s[i] += run_stage(&cleaners[i], doc);
                td_doc_free(doc);
            }
        }
        for (size_t i = 0; i < ncleaners; i++)
            best[i] = rep == 0 || stage_s[i] < best[i] ? stage_s[i] : best[i];
        best_parse = rep == 0 || parse_s < best_parse ? parse_s : best_parse;
    }
    parse_s = best_parse;
    for (size_t i = 0; i < ncleaners; i++)
        cleaners[i].seconds = best[i];
    printf("parse (for reference)   %8.1f MB/s\n", mb / parse_s);
    for (size_t i = 0; i < ncleaners; i++) {
        total += cleaners[i].seconds;
        printf("  %-12s %8.1f ms %10.1f MB/s\n", cleaners[i].p->name,
               cleaners[i].seconds * 1e3, mb / cleaners[i].seconds);
    }
    printf("cleaner chain           %8.1f MB/s per core (%.1f ms for %.1f MB)\n",
           mb / total, total * 1e3, mb);

    for (size_t f = 0; f < nfiles; f++) {
        free(files[f]);
        free(bytes[f]);
    }
    return 0;
}
