/*
 * cli_submit.c - `transcriptd submit FILE...`: sends files to the daemon's
 * ingest socket (see ingest.h) and prints the id each one got.
 */
#include "cli.h"
#include "cli_bus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define USAGE "transcriptd submit FILE... [--to ENDPOINT] [--timeout SECONDS] " \
              "[--curve-key FILE --server-key FILE] [-c FILE]"
#define POLL_MS 100

typedef struct submitter {
    cli_bus bus;
    cli_sock sock;
    const char *endpoint;
    long timeout_ms;
} submitter;

/* The whole file, malloc'd; NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf = NULL;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            buf = NULL;
            errno = n < 0 ? errno : EIO;
        } else {
            got += (size_t)n;
        }
    }
    *len = got;
out:
    close(fd);
    return buf;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Waits for the reply; 1 when it came, 0 on timeout or refusal (why set). */
static int wait_reply(submitter *s, char *why, size_t whylen)
{
    for (long waited = 0; waited < s->timeout_ms; waited += POLL_MS) {
        zmq_pollitem_t item = { s->sock.s, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, POLL_MS) > 0)
            return 1;
        if (cli_bus_refused(&s->sock, why, whylen))
            return 0;
    }
    snprintf(why, whylen, "no answer from %s in %ld s", s->endpoint,
             s->timeout_ms / 1000);
    return 0;
}

/* Reads a reply of up to 3 frames into f; returns the frame count. */
static int recv_reply(void *sock, char f[3][256])
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        if (n < 3) {
            size_t len = zmq_msg_size(&m) < 255 ? zmq_msg_size(&m) : 255;
            memcpy(f[n], zmq_msg_data(&m), len);
            f[n][len] = '\0';
        }
        n++;
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    return n;
}

/* One file, there and back.  0 when the daemon took it. */
static int submit_one(submitter *s, const char *path)
{
    char why[512], f[3][256];
    size_t len = 0;
    char *bytes = read_file(path, &len);
    const char *name = base_name(path);

    if (bytes == NULL) {
        fprintf(stderr, "transcriptd: %s: %s\n", path, strerror(errno));
        return -1;
    }
    zmq_send(s->sock.s, "SUBMIT", 6, ZMQ_SNDMORE);
    zmq_send(s->sock.s, name, strlen(name), ZMQ_SNDMORE);
    zmq_send(s->sock.s, bytes, len, 0);
    free(bytes);
    if (!wait_reply(s, why, sizeof(why))) {
        fprintf(stderr, "transcriptd: %s: %s\n", path, why);
        /* A late answer must not be taken for the next file's. */
        cli_bus_close(&s->sock);
        cli_bus_connect(&s->bus, &s->sock, ZMQ_DEALER, s->endpoint);
        return -1;
    }
    int n = recv_reply(s->sock.s, f);
    if (n == 3 && !strcmp(f[0], "OK")) {
        printf("%s -> %s %s\n", path, f[1], f[2]);
        fflush(stdout);
        return 0;
    }
    fprintf(stderr, "transcriptd: %s: refused: %s\n", path,
            n >= 2 && !strcmp(f[0], "ERROR") ? f[1] : "an answer it did not understand");
    return -1;
}

static int parse(int argc, char **argv, cli_common *cc, submitter *s)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG, CLI_BUS_LONG,
        { "to", required_argument, NULL, 't' },
        { "timeout", required_argument, NULL, 'T' },
        { 0 },
    };
    int opt;
    char *end;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            printf("usage: %s\n", USAGE);
            return 0;
        } else if (opt == 't') {
            s->endpoint = optarg;
        } else if (opt == 'T') {
            double secs = strtod(optarg, &end);
            if (*end || secs <= 0 || secs > 86400) {
                fprintf(stderr, "transcriptd submit: --timeout: '%s' is not a "
                        "number of seconds\n", optarg);
                return 2;
            }
            s->timeout_ms = (long)(secs * 1000);
        } else if (!cli_common_opt(cc, opt, optarg) && !cli_bus_opt(&s->bus, opt, optarg)) {
            fprintf(stderr, "usage: %s\n", USAGE);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: %s\n", USAGE);
        return 2;
    }
    return -1;
}

int cmd_submit(int argc, char **argv)
{
    cli_common cc = { 0 };
    submitter s = { .timeout_ms = 30000 };
    config c = { 0 };
    int failed = 0;

    int rc = parse(argc, argv, &cc, &s);
    if (rc >= 0)
        return rc;
    if (s.endpoint == NULL) {
        if (cli_load_config(&cc, &c) != 0)
            return 1;
        s.endpoint = c.ingest;
        if (*s.endpoint == '\0') {
            fprintf(stderr, "transcriptd submit: %s has no [bus] ingest endpoint; "
                    "name one with --to\n", c.source);
            config_free(&c);
            return 1;
        }
    }
    if (cli_bus_init(&s.bus) != 0 ||
        cli_bus_connect(&s.bus, &s.sock, ZMQ_DEALER, s.endpoint) != 0) {
        failed = 1;
        optind = argc;
    }
    for (int i = optind; i < argc; i++)
        if (submit_one(&s, argv[i]) != 0)
            failed++;
    cli_bus_close(&s.sock);
    cli_bus_term(&s.bus);
    config_free(&c);
    return failed ? 1 : 0;
}
