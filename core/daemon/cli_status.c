/*
 * cli_status.c - `transcriptd status`: asks the running daemon, over the
 * control socket of the config given, how it is doing.
 */
#include "cli.h"

#include "control.h"

#include <stdio.h>
#include <stdlib.h>

static void print_uptime(double s)
{
    long t = (long)s;
    if (t >= 86400)
        printf("%ldd %ldh %ldm", t / 86400, t % 86400 / 3600, t % 3600 / 60);
    else if (t >= 3600)
        printf("%ldh %ldm %lds", t / 3600, t % 3600 / 60, t % 60);
    else if (t >= 60)
        printf("%ldm %lds", t / 60, t % 60);
    else
        printf("%.1fs", s);
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void print_status(const json_t *st)
{
    printf("transcriptd %s, pid %lld, up ",
           json_string_value(json_object_get(st, "version")), num(st, "pid"));
    print_uptime(json_number_value(json_object_get(st, "uptime_s")));
    printf("%s\n", json_is_true(json_object_get(st, "stopping")) ? " (stopping)" : "");
    printf("files:   %lld done, %lld failed, %lld queued, %lld in flight\n",
           num(st, "done"), num(st, "failed"), num(st, "queued"), num(st, "in_flight"));
    printf("workers: %lld\nreloads: %lld applied, %lld refused\nchain:  ",
           num(st, "workers"), num(st, "reloads"), num(st, "reloads_refused"));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(st, "chain"), i, v)
        printf(" %s", json_string_value(v));
    printf("\n\n%-16s %10s %12s %12s %12s\n", "plugin", "runs", "p50 ms", "p99 ms",
           "total ms");
    json_array_foreach(json_object_get(st, "plugins"), i, v)
        printf("%-16s %10lld %12.3f %12.3f %12.1f\n",
               json_string_value(json_object_get(v, "name")), num(v, "count"),
               json_number_value(json_object_get(v, "p50_ms")),
               json_number_value(json_object_get(v, "p99_ms")),
               json_number_value(json_object_get(v, "total_ms")));
}

int cmd_status(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG,
        { "json", no_argument, NULL, 'j' },
        { "timeout", required_argument, NULL, 't' },
        { 0 },
    };
    const char *usage = "usage: transcriptd status [-c FILE] [--json] [--timeout MS]";
    cli_common cc = { 0 };
    int opt, as_json = 0, timeout = 3000;
    config c;
    char why[512];

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "jt:", longopts, NULL)) != -1) {
        if (opt == 'j')
            as_json = 1;
        else if (opt == 't')
            timeout = atoi(optarg);
        else if (opt == 'h')
            return printf("%s\n", usage), 0;
        else if (!cli_common_opt(&cc, opt, optarg))
            return fprintf(stderr, "%s\n", usage), 2;
    }
    if (cli_load_config(&cc, &c) != 0)
        return 1;
    if (c.control[0] == '\0') {
        fprintf(stderr, "transcriptd: %s has no [daemon] control socket\n", c.source);
        config_free(&c);
        return 1;
    }
    json_t *st = control_ask_status(c.control, timeout > 0 ? timeout : 3000,
                                    why, sizeof(why));
    config_free(&c);
    if (st == NULL) {
        fprintf(stderr, "transcriptd: %s\n", why);
        return 1;
    }
    if (json_object_get(st, "error")) {
        fprintf(stderr, "transcriptd: the daemon says: %s\n",
                json_string_value(json_object_get(st, "error")));
        json_decref(st);
        return 1;
    }
    if (as_json) {
        json_dumpf(st, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else {
        print_status(st);
    }
    json_decref(st);
    return 0;
}
