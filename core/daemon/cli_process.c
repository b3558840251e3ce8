/*
 * cli_process.c - `transcriptd process FILE... [-o DIR]`: the daemon's
 * chain, once, on the files given, with the same worker threads; with
 * --explain, what each stage changes instead (see explain.h).
 */
#include "cli.h"

#include "explain.h"
#include "job.h"
#include "log.h"
#include "paths.h"
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct batch {
    pool pool;
    chain *ch;
    const job_env *env;
    char **files;
    int nfiles;
    int next;
    size_t inflight;
    size_t max_inflight;
    int failed;
} batch;

static void submit_more(batch *b);

static void on_done(pool_task *t)
{
    job *j = (job *)t;
    batch *b = j->owner;

    b->inflight--;
    if (j->ok) {
        /* One line per file: what it was and where its outputs are. */
        json_t *outs = json_object_get(j->event, "outputs");
        const char *ext;
        json_t *path;
        printf("%s: %s, %lld segments ->", j->path,
               json_string_value(json_object_get(j->event, "format")),
               (long long)json_integer_value(json_object_get(j->event, "segments")));
        json_object_foreach(outs, ext, path)
            printf(" %s", json_string_value(path));
        printf("\n");
    } else {
        b->failed++;
    }
    job_free(j);
    submit_more(b);
}

static void job_work(pool_task *t)
{
    job_run((job *)t);
}

/* Keeps a bounded number of files in flight: memory stays flat. */
static void submit_more(batch *b)
{
    while (b->next < b->nfiles && b->inflight < b->max_inflight) {
        const char *file = b->files[b->next++];
        const char *slash = strrchr(file, '/');
        job *j = job_new(slash ? slash + 1 : file, file, b->ch, b->env);
        if (j == NULL) {
            b->failed++;
            continue;
        }
        j->owner = b;
        j->task.work = job_work;
        j->task.done = on_done;
        b->inflight++;
        pool_submit(&b->pool, &j->task);
    }
}

int cmd_process(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG,
        { "output", required_argument, NULL, 'o' },
        { "jobs", required_argument, NULL, 'j' },
        { "explain", no_argument, NULL, 'e' },
        { 0 },
    };
    const char *usage = "usage: transcriptd process [-c FILE] [-o DIR] [-j N] FILE...\n"
                        "       transcriptd process --explain [-c FILE] FILE...";
    cli_common cc = { 0 };
    const char *outdir = NULL;
    long jobs = 0;
    bool explain = false;
    int opt;
    config c;
    chain ch;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "o:j:", longopts, NULL)) != -1) {
        if (opt == 'o')
            outdir = optarg;
        else if (opt == 'j')
            jobs = strtol(optarg, NULL, 10);
        else if (opt == 'e')
            explain = true;
        else if (opt == 'h')
            return printf("%s\n", usage), 0;
        else if (!cli_common_opt(&cc, opt, optarg))
            return fprintf(stderr, "%s\n", usage), 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "transcriptd: process: no files given\n%s\n", usage);
        return 2;
    }
    if (cli_load(&cc, &c, &ch) != 0)
        return 1;
    if (explain) {
        int failed = explain_files(&ch, argv + optind, argc - optind,
                                   c.max_file_size, stdout);
        chain_free(&ch);
        config_free(&c);
        return failed ? 1 : 0;
    }

    char *out = path_absolute(outdir ? outdir : c.outbox);
    int rc = out ? path_mkdirs(out, 0755) : -1;
    if (rc != 0) {
        log_error("cannot create output folder %s", out ? out : "?");
        free(out);
        chain_free(&ch);
        config_free(&c);
        return 1;
    }
    job_env env = { .outbox = out, .sync = false, .max_file_size = c.max_file_size };
    if (jobs <= 0)
        jobs = c.workers ? c.workers : sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > argc - optind)
        jobs = argc - optind;

    uv_loop_t loop;
    uv_loop_init(&loop);
    batch b = { .ch = &ch, .env = &env, .files = argv + optind,
                .nfiles = argc - optind, .max_inflight = (size_t)jobs * 2 };
    if (pool_start(&b.pool, &loop, (int)jobs) == 0) {
        submit_more(&b);
        while (b.inflight > 0)
            uv_run(&loop, UV_RUN_ONCE);
        pool_stop(&b.pool);
    } else {
        log_error("cannot start worker threads");
        b.failed = b.nfiles;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(out);
    chain_free(&ch);
    config_free(&c);
    return b.failed ? 1 : 0;
}
