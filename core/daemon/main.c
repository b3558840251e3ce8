/*
 * main.c - transcriptd's entry point: picks the subcommand.
 */
#include "cli.h"

#include "log.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <transcriptd/version.h>

/*
 * Every document allocates a few hundred KB to a few MB and frees it all
 * at the end.  With glibc's defaults a worker thread's arena gives that
 * memory back to the kernel after each document (and buffers over the
 * adaptive mmap threshold are mapped and unmapped each time), so the next
 * document page-faults it in again: a tenth of the CPU time of a small
 * document.  Keeping up to TRIM_KEEP free per arena and serving blocks
 * under MMAP_FROM from the arenas makes that memory reused instead;
 * larger documents still hand their memory back.
 */
#define TRIM_KEEP (8 << 20)
#define MMAP_FROM (4 << 20)

static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, MMAP_FROM);
    mallopt(M_TRIM_THRESHOLD, TRIM_KEEP);
}

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} COMMANDS[] = {
    { "run", cmd_run, "watch the drop folder and process what lands there" },
    { "process", cmd_process, "run files through the chain once: process FILE... [-o DIR];\n"
      "                 with --explain, show what each stage changes instead" },
    { "plugins", cmd_plugins, "list the plugins found, with their options" },
    { "check-config", cmd_check_config, "check a config and report every error" },
    { "status", cmd_status, "ask the running daemon: counters and plugin times" },
    { "tail", cmd_tail, "print the daemon's events: tail [--topic PREFIX] [--since SEQ] [--json]" },
    { "submit", cmd_submit, "send files to the daemon over the bus: submit FILE... [--to ENDPOINT]" },
    { "keygen", cmd_keygen, "write a CURVE key pair: keygen NAME (NAME.key, NAME.pub)" },
    { "search", cmd_search, "search the index of processed transcripts: search QUERY" },
    { "worker", cmd_worker, "run documents for a daemon with isolation = process: worker [--connect ENDPOINT]" },
};
#define NCOMMANDS (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "usage: transcriptd [-c FILE] [-v|-q] COMMAND [ARGS]\n"
            "\n"
            "Turns raw transcripts into clean, searchable, summarised documents.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-14s %s\n", COMMANDS[i].name, COMMANDS[i].help);
    fprintf(out,
            "\n"
            "Options (every command):\n"
            "  -c, --config FILE  the config file (default: built-in defaults)\n"
            "  -v, --verbose      log more (debug)\n"
            "  -q, --quiet        log less (warnings and errors only)\n"
            "  -h, --help         this help\n"
            "      --version      print the version\n"
            "\n"
            "Config keys of the daemon (plugin options: `transcriptd plugins`):\n");
    config_print_keys();
    fprintf(out, "\nSee transcriptd(1) and transcriptd.conf(5).\n");
}

int main(int argc, char **argv)
{
    tune_malloc();
    /* The command is the first word that is not an option or its value. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--version")) {
            printf("transcriptd %s (plugin ABI %d)\n", TD_VERSION_STRING,
                   TD_PLUGIN_ABI);
            return 0;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
            i++;
            continue;
        }
        if (a[0] == '-')
            continue;
        for (size_t k = 0; k < NCOMMANDS; k++) {
            if (strcmp(a, COMMANDS[k].name) == 0) {
                /* The command sees every argument but its own name. */
                memmove(argv + i, argv + i + 1, (size_t)(argc - i) * sizeof(*argv));
                return COMMANDS[k].fn(argc - 1, argv);
            }
        }
        fprintf(stderr, "transcriptd: unknown command '%s'\n\n", a);
        usage(stderr);
        return 2;
    }
    usage(stderr);
    return 2;
}
