/*
 * cli_run.c - `transcriptd run` and `transcriptd check-config`.
 */
#include "cli.h"

#include "bus.h"
#include "daemon.h"
#include "paths.h"

#include <stdlib.h>

#include <stdio.h>

static int parse_common(int argc, char **argv, cli_common *cc, const char *usage)
{
    static const struct option longopts[] = { CLI_COMMON_LONG, { 0 } };
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            printf("usage: %s\n", usage);
            return 0;
        }
        if (!cli_common_opt(cc, opt, optarg)) {
            fprintf(stderr, "usage: %s\n", usage);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "transcriptd: unexpected argument '%s'\nusage: %s\n",
                argv[optind], usage);
        return 2;
    }
    return -1;
}

int cmd_run(int argc, char **argv)
{
    cli_common cc = { 0 };
    config c;
    chain *ch;

    bus b;
    char why[512];

    int rc = parse_common(argc, argv, &cc, "transcriptd run [-c FILE] [-v|-q]  (SIGHUP reloads the config)");
    if (rc >= 0)
        return rc;
    if (cli_load_config(&cc, &c) != 0)
        return 1;
    /*
     * The bus is bound before the plugins load: subscribers that connect
     * while the daemon starts are then in place when daemon.ready goes out.
     */
    char *journal_dir = path_join(c.state, "journal");
    bus_options bo = {
        .publish = c.publish, .replay = c.replay, .journal_dir = journal_dir,
        .journal_events = (uint64_t)c.journal_events, .send_hwm = (int)c.send_hwm,
        .ingest = c.ingest, .inbox = c.inbox, .work = c.work,
        .max_file_size = c.max_file_size, .insecure = c.insecure,
        .curve_server_key = c.curve_server_key, .curve_clients = c.curve_clients,
    };
    rc = bus_open(&b, &bo, why, sizeof(why));
    free(journal_dir);
    if (rc != 0) {
        fprintf(stderr, "transcriptd: %s\n", why);
        bus_close(&b);
        config_free(&c);
        return 1;
    }
    if ((ch = cli_load_chain_new(&c)) == NULL) {
        bus_close(&b);
        return 1;
    }
    rc = daemon_run(&c, ch, &b, &cc);
    bus_close(&b);
    config_free(&c);
    return rc;
}

int cmd_check_config(int argc, char **argv)
{
    cli_common cc = { 0 };
    config c;
    chain ch;

    int rc = parse_common(argc, argv, &cc, "transcriptd check-config [-c FILE]");
    if (rc >= 0)
        return rc;
    if (cli_load(&cc, &c, &ch) != 0)
        return 1;
    printf("%s: OK (%zu plugins in the chain)\n", c.source, ch.nstages);
    chain_free(&ch);
    config_free(&c);
    return 0;
}
