/*
 * cli_plugins.c - `transcriptd plugins`: what is installed and how to
 * configure it.
 */
#include "cli.h"

#include "internal.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_plugin(const plugin_ref *r)
{
    const td_plugin *p = r->p;
    printf("%s (%s %s)\n    %s\n    file: %s\n", p->name, kind_name(p->kind),
           p->version ? p->version : "?", p->summary ? p->summary : "", r->file);
    for (const td_option *o = p->options; o && o->name; o++)
        printf("    [%s] %s = %s    (%s) %s\n", p->name, o->name,
               o->def ? o->def : "", td__opt_type_name(o->type),
               o->help ? o->help : "");
}

int cmd_plugins(int argc, char **argv)
{
    static const struct option longopts[] = { CLI_COMMON_LONG, { 0 } };
    cli_common cc = { 0 };
    config c;
    registry reg;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            printf("usage: transcriptd plugins [-c FILE]\n");
            return 0;
        }
        if (!cli_common_opt(&cc, opt, optarg))
            return 2;
    }
    if (config_load(&c, cc.config_path) != 0) {
        fputs(c.errors.data, stderr);
        config_free(&c);
        return 1;
    }
    char *path = c.plugin_path && *c.plugin_path ? strdup(c.plugin_path)
                                                 : paths_default_plugin_path();
    int broken = registry_load(&reg, path);
    printf("plugin path: %s\n\n", path);
    free(path);
    static const td_kind kinds[] = { TD_PARSER, TD_CLEANER, TD_SUMMARIZER, TD_EXPORTER };
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < reg.n; i++)
            if (reg.v[i].p->kind == kinds[k])
                print_plugin(&reg.v[i]);
    if (broken)
        fprintf(stderr, "\n%s", reg.errors.data);
    registry_free(&reg);
    config_free(&c);
    return broken ? 1 : 0;
}
