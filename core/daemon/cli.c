/*
 * cli.c - what every subcommand shares (see cli.h).
 */
#include "cli.h"

#include "log.h"

#include <stdio.h>

int cli_common_opt(cli_common *cc, int opt, const char *arg)
{
    switch (opt) {
    case 'c': cc->config_path = arg; return 1;
    case 'v': cc->verbosity++; return 1;
    case 'q': cc->verbosity--; return 1;
    default: return 0;
    }
}

void cli_apply_log_level(const cli_common *cc, const config *c)
{
    int level = log_level_from_name(c->log_level);
    if (level < 0)
        level = LOG_INFO;
    level += cc->verbosity;
    if (cc->verbosity < 0 && level > LOG_WARNING)
        level = LOG_WARNING;
    log_set_level(level < LOG_ERR ? LOG_ERR : level > LOG_DEBUG ? LOG_DEBUG : level);
}

static void refuse(config *c)
{
    fprintf(stderr, "transcriptd: %s: the configuration has errors; "
            "not starting\n", c->source ? c->source : "config");
    config_free(c);
}

int cli_load_config(const cli_common *cc, config *c)
{
    if (config_load(c, cc->config_path) != 0) {
        fputs(c->errors.data, stderr);
        /* Report the plugin errors too, so that one run shows them all. */
        if (c->inbox != NULL) {
            td_buf errors = TD_BUF_INIT;
            chain ch;
            chain_build(&ch, c, &errors);
            if (errors.data)
                fputs(errors.data, stderr);
            chain_free(&ch);
            td_buf_free(&errors);
        }
        refuse(c);
        return 1;
    }
    cli_apply_log_level(cc, c);
    return 0;
}

int cli_load_chain(config *c, chain *ch)
{
    td_buf errors = TD_BUF_INIT;
    int rc = chain_build(ch, c, &errors);
    if (rc != 0) {
        fputs(errors.data, stderr);
        chain_free(ch);
        refuse(c);
    }
    td_buf_free(&errors);
    return rc ? 1 : 0;
}

chain *cli_load_chain_new(config *c)
{
    td_buf errors = TD_BUF_INIT;
    chain *ch = chain_new(c, &errors);
    if (ch == NULL) {
        fputs(errors.data ? errors.data : "out of memory\n", stderr);
        refuse(c);
    }
    td_buf_free(&errors);
    return ch;
}

int cli_load(const cli_common *cc, config *c, chain *ch)
{
    return cli_load_config(cc, c) || cli_load_chain(c, ch);
}
