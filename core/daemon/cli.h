/*
 * cli.h - the subcommands, and what they share: options every one takes
 * (-c FILE, -v, -q, -h) and loading the config and the chain.
 */
#ifndef TD_CLI_H
#define TD_CLI_H

#include "chain.h"
#include "config.h"

#include <getopt.h>

typedef struct cli_common {
    const char *config_path;    /* NULL: built-in defaults */
    int verbosity;              /* -v adds one, -q takes one away */
} cli_common;

/* The getopt_long entries of the common options, to put in each table. */
#define CLI_COMMON_SHORT "c:vqh"
#define CLI_COMMON_LONG                                       \
    { "config", required_argument, NULL, 'c' },               \
    { "verbose", no_argument, NULL, 'v' },                    \
    { "quiet", no_argument, NULL, 'q' },                      \
    { "help", no_argument, NULL, 'h' }

/* Handles a common option; returns 1 when it was one, 0 otherwise. */
int cli_common_opt(cli_common *cc, int opt, const char *arg);

/*
 * Loads the config and builds the chain, printing every error to stderr.
 * Returns 0, or 1 when anything was wrong (both are then freed).
 */
int cli_load(const cli_common *cc, config *c, chain *ch);
/* The two halves of cli_load(), for a command that works in between. */
int cli_load_config(const cli_common *cc, config *c);
int cli_load_chain(config *c, chain *ch);
/* cli_load_chain() for a shared chain (chain_new()); NULL on errors. */
chain *cli_load_chain_new(config *c);
/* Sets the log level: the config's, moved by -v and -q. */
void cli_apply_log_level(const cli_common *cc, const config *c);

int cmd_run(int argc, char **argv);
int cmd_process(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_worker(int argc, char **argv);

#endif
