/*
 * worker.c - `transcriptd worker`: runs documents through the chain for a
 * daemon with isolation = process, on this machine or another one.
 *
 * Two threads.  The main thread keeps the session with the daemon (see
 * wire.h): it connects, says READY, sends and checks heartbeats, connects
 * again when the daemon goes quiet, and passes jobs to the job thread
 * (worker_job.h) and its progress and results back.  It never runs plugin
 * code, so a plugin stuck in a loop does not stop the heartbeats: the
 * daemon's job_timeout decides, and has the worker killed or restarted.
 */
#include "cli.h"
#include "curve.h"

#include "log.h"
#include "paths.h"
#include "wire.h"
#include "worker_job.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <transcriptd/version.h>
#include <unistd.h>

typedef struct worker {
    config c;
    chain ch;
    const char *endpoint;
    const char *curve_key;      /* our secret key file (--curve-key) */
    const char *server_key;     /* the daemon's public key file (--server-key) */
    char name[96];
    char *scratch;
    bool own_scratch;       /* made here: removed at exit */
    pid_t parent;           /* a local worker dies with its daemon */
    char **exec_argv;       /* to start over (RESTART) */
    void *ctx, *dealer, *pair;
    int sigfd;
    bool busy;
    bool lost;              /* the daemon went quiet: said once */
    uint64_t last_heard, next_beat;
    worker_job wj;
    pthread_t thread;
    bool thread_up;
} worker;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Hook for CURVE: when the bus's keys are configured, the session is a
 * CURVE client of the daemon (its server key, our own key pair) before
 * connecting.  Without keys, a plain session.  0, or -1 with why.
 */
/*
 * CURVE on tcp when the daemon uses it: with --curve-key and --server-key
 * (a remote worker, whose public key is in the daemon's curve_clients), or
 * else with the daemon's own secret key from the config (a worker on the
 * daemon's machine, started with its config).
 */
static int secure_session(worker *w, char *why, size_t len)
{
    if (strncmp(w->endpoint, "ipc://", 6) == 0)
        return 0;
    if (w->curve_key != NULL || w->server_key != NULL) {
        if (w->curve_key == NULL || w->server_key == NULL) {
            snprintf(why, len, "--curve-key and --server-key go together");
            return -1;
        }
        return curve_make_client(w->dealer, w->curve_key, w->server_key, why, len);
    }
    if (*w->c.curve_server_key)
        return curve_make_self_client(w->dealer, w->c.curve_server_key, why, len);
    return 0;
}

static void send_ready(worker *w)
{
    json_t *names = json_array();
    for (size_t i = 0; i < w->ch.nstages; i++)
        json_array_append_new(names, json_string(w->ch.stages[i].p->name));
    char host[HOST_NAME_MAX + 1] = "";
    gethostname(host, sizeof(host) - 1);
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:o, s:b}", "name", w->name,
                          "pid", (int)getpid(), "host", host, "version",
                          TD_VERSION_STRING, "chain", names, "busy", w->busy);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (text != NULL) {
        wire_part p[] = { wire_s("READY"), wire_s(text) };
        wire_send(w->dealer, NULL, 0, p, 2);
    }
    free(text);
}

static void send_cmd(worker *w, const char *cmd)
{
    wire_part p = wire_s(cmd);
    wire_send(w->dealer, NULL, 0, &p, 1);
}

static int session_open(worker *w)
{
    char why[512];
    int linger = 0;
    w->dealer = zmq_socket(w->ctx, ZMQ_DEALER);
    if (w->dealer == NULL)
        return -1;
    zmq_setsockopt(w->dealer, ZMQ_LINGER, &linger, sizeof(linger));
    if (secure_session(w, why, sizeof(why)) != 0) {
        log_error("%s", why);
        return -1;
    }
    if (zmq_connect(w->dealer, w->endpoint) != 0) {
        log_error("cannot connect to %s: %s", w->endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    send_ready(w);
    w->last_heard = now_ms();
    w->next_beat = w->last_heard + WIRE_HEARTBEAT_MS;
    return 0;
}

static void session_close(worker *w, bool say_bye)
{
    if (w->dealer == NULL)
        return;
    if (say_bye) {
        int linger = 200;
        zmq_setsockopt(w->dealer, ZMQ_LINGER, &linger, sizeof(linger));
        send_cmd(w, "DISCONNECT");
    }
    zmq_close(w->dealer);
    w->dealer = NULL;
}

/*
 * Starts over as a new process image: the daemon's RESTART (a reload, or
 * a job past its time).  A job thread stuck in a plugin goes with it.
 */
static void restart(worker *w)
{
    log_info("restarting");
    session_close(w, true);
    execv("/proc/self/exe", w->exec_argv);
    log_error("cannot restart: %s", strerror(errno));
    _exit(1);
}

/* A message from the daemon. */
static int from_daemon(worker *w, wire_msg *m)
{
    w->last_heard = now_ms();
    if (w->lost) {
        log_info("the daemon at %s answers again", w->endpoint);
        w->lost = false;
    }
    if (!wire_is(m, 0, WIRE_PROTOCOL) || m->n < 2 || m->truncated) {
        log_warn("a message that is not " WIRE_PROTOCOL ": ignored");
        return 0;
    }
    if (wire_is(m, 1, "JOB") && m->n == 5) {
        if (w->busy) {
            log_warn("a job while one runs: ignored");
            return 0;
        }
        w->busy = true;
        for (size_t i = 1; i < m->n; i++)
            zmq_msg_send(&m->f[i], w->pair, i + 1 < m->n ? ZMQ_SNDMORE : 0);
        /* Sent frames are empty now; wire_close() closes them anyway. */
    } else if (wire_is(m, 1, "DISCONNECT")) {
        log_info("the daemon ended the session; connecting again");
        session_close(w, false);
        return session_open(w);
    } else if (wire_is(m, 1, "RESTART")) {
        restart(w);
    } else if (!wire_is(m, 1, "HEARTBEAT")) {
        char cmd[32];
        log_warn("unknown command %s: ignored", wire_str(m, 1, cmd, sizeof(cmd)));
    }
    return 0;
}

/* Progress or a result from the job thread: on to the daemon. */
static void from_job(worker *w, wire_msg *m)
{
    if (wire_is(m, 0, "RESULT"))
        w->busy = false;
    if (zmq_send(w->dealer, WIRE_PROTOCOL, strlen(WIRE_PROTOCOL),
                 ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        log_warn("cannot send to the daemon: %s", zmq_strerror(zmq_errno()));
        return;
    }
    for (size_t i = 0; i < m->n; i++)
        zmq_msg_send(&m->f[i], w->dealer, (i + 1 < m->n ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT);
}

static void drain(worker *w, void *sock, bool daemon)
{
    wire_msg m;
    while (sock != NULL && wire_recv(sock, &m) == 0) {
        int rc = daemon ? from_daemon(w, &m) : (from_job(w, &m), 0);
        wire_close(&m);
        if (rc != 0 || (daemon && sock != w->dealer))
            return;         /* the session changed under us */
    }
}

/* Heartbeats out; a daemon silent for WIRE_LIVENESS of them: reconnect. */
static int keep_alive(worker *w)
{
    uint64_t now = now_ms();
    if (now >= w->next_beat) {
        send_cmd(w, "HEARTBEAT");
        w->next_beat = now + WIRE_HEARTBEAT_MS;
    }
    if (now - w->last_heard > (uint64_t)WIRE_HEARTBEAT_MS * WIRE_LIVENESS) {
        if (!w->lost)
            log_warn("the daemon at %s is not answering; connecting again",
                     w->endpoint);
        w->lost = true;
        session_close(w, false);
        return session_open(w);
    }
    return 0;
}

/* Runs until a signal ends it; 0, or -1 when the session cannot be set up. */
static int serve(worker *w)
{
    if (session_open(w) != 0)
        return -1;
    log_info("connected to %s; chain of %zu plugin(s)", w->endpoint, w->ch.nstages);
    for (;;) {
        uint64_t now = now_ms();
        long wait = w->next_beat > now ? (long)(w->next_beat - now) : 0;
        zmq_pollitem_t items[] = {
            { w->dealer, 0, ZMQ_POLLIN, 0 },
            { w->pair, 0, ZMQ_POLLIN, 0 },
            { NULL, w->sigfd, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, 3, wait) < 0 && zmq_errno() != EINTR)
            return -1;
        if (items[2].revents) {
            struct signalfd_siginfo si;
            if (read(w->sigfd, &si, sizeof(si)) == sizeof(si))
                log_info("%s: stopping", strsignal((int)si.ssi_signo));
            return 0;
        }
        if (items[1].revents)
            drain(w, w->pair, false);
        if (items[0].revents)
            drain(w, w->dealer, true);
        if (w->dealer == NULL || keep_alive(w) != 0)
            return -1;
        if (w->parent > 0 && getppid() != w->parent)
            return 0;       /* the daemon is gone */
    }
}

/* Address space the worker has now, in bytes (/proc/self/statm). */
static unsigned long long address_space(void)
{
    unsigned long long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%llu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return pages * (unsigned long long)sysconf(_SC_PAGESIZE);
}

/*
 * [daemon] worker_memory: MB of address space on top of what the worker
 * has once its threads run.  Only the soft limit moves: a restarted
 * worker (the same process) lifts its old one first, with this.
 */
static void unlimit_memory(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_AS, &rl);
    }
}

static void limit_memory(long long mb)
{
    struct rlimit rl;
    if (mb <= 0 || getrlimit(RLIMIT_AS, &rl) != 0)
        return;
    unsigned long long base = address_space();
    rlim_t want = (rlim_t)(base + ((unsigned long long)mb << 20));
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
        want = rl.rlim_max;
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        log_warn("cannot limit memory: %s", strerror(errno));
    else
        log_debug("address space limited to %llu MB (%lld MB over %llu MB at start)",
                  (unsigned long long)want >> 20, mb, base >> 20);
}

/* Signals go to the main thread's signalfd only: blocked everywhere. */
static int signals_setup(worker *w)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    w->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    return w->sigfd >= 0 ? 0 : -1;
}

static int start_job_thread(worker *w)
{
    char up[8];
    w->pair = zmq_socket(w->ctx, ZMQ_PAIR);
    if (w->pair == NULL || zmq_bind(w->pair, WORKER_JOB_ENDPOINT) != 0)
        return -1;
    w->wj.ctx = w->ctx;
    w->wj.ch = &w->ch;
    w->wj.outbox = w->c.outbox;
    if (pthread_create(&w->thread, NULL, worker_job_main, &w->wj) != 0)
        return -1;
    w->thread_up = true;
    return zmq_recv(w->pair, up, sizeof(up), 0) == 2 ? 0 : -1;
}

static void stop_job_thread(worker *w)
{
    if (w->thread_up) {
        zmq_send(w->pair, "STOP", 4, 0);
        pthread_join(w->thread, NULL);
    }
    if (w->pair != NULL)
        zmq_close(w->pair);
}

/* ---- the command line -------------------------------------------------------- */

static const char USAGE[] =
    "usage: transcriptd worker [-c FILE] [--connect ENDPOINT] [--name NAME]\n"
    "                          [--scratch DIR] [--curve-key FILE --server-key FILE]\n"
    "                          [-v|-q]\n"
    "Runs documents for a daemon with isolation = process.  ENDPOINT: the\n"
    "daemon's [daemon] workers_endpoint (default: the config's).";

/* argv as given: what a RESTART runs again. */
static char **exec_args(int argc, char **argv)
{
    char **v = calloc((size_t)argc + 2, sizeof(*v));
    if (v == NULL)
        return NULL;
    v[0] = "transcriptd";
    v[1] = "worker";
    for (int i = 1; i < argc; i++)
        v[i + 1] = argv[i];
    return v;
}

static int parse_args(int argc, char **argv, cli_common *cc, worker *w,
                      const char **scratch)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG,
        { "connect", required_argument, NULL, 'C' },
        { "name", required_argument, NULL, 'n' },
        { "scratch", required_argument, NULL, 's' },
        { "parent", required_argument, NULL, 'p' },
        { "curve-key", required_argument, NULL, 'K' },
        { "server-key", required_argument, NULL, 'S' },
        { 0 },
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'C')
            w->endpoint = optarg;
        else if (opt == 'n')
            snprintf(w->name, sizeof(w->name), "%s", optarg);
        else if (opt == 's')
            *scratch = optarg;
        else if (opt == 'p')
            w->parent = (pid_t)strtol(optarg, NULL, 10);
        else if (opt == 'K')
            w->curve_key = optarg;
        else if (opt == 'S')
            w->server_key = optarg;
        else if (opt == 'h')
            return printf("%s\n", USAGE), 0;
        else if (!cli_common_opt(cc, opt, optarg))
            return fprintf(stderr, "%s\n", USAGE), 2;
    }
    if (optind < argc) {
        fprintf(stderr, "transcriptd: unexpected argument '%s'\n%s\n", argv[optind],
                USAGE);
        return 2;
    }
    return -1;
}

/*
 * A folder of our own under $TMPDIR, named after the worker: the same
 * again after a restart (same name, same pid), so that nothing is left
 * behind.  One that is there already must be ours and private.
 */
static char *own_folder(const char *name)
{
    const char *tmp = getenv("TMPDIR");
    td_buf p = TD_BUF_INIT;
    td_buf_printf(&p, "%s/transcriptd-worker-", tmp && *tmp ? tmp : "/tmp");
    for (const char *c = name; *c; c++)
        td_buf_printf(&p, "%c", *c == '/' ? '_' : *c);
    struct stat st;
    if (p.data != NULL && mkdir(p.data, 0700) != 0 &&
        (errno != EEXIST || lstat(p.data, &st) != 0 || !S_ISDIR(st.st_mode) ||
         st.st_uid != getuid() || (st.st_mode & 077) != 0)) {
        log_error("cannot use %s as the scratch folder: %s", p.data,
                  errno == EEXIST ? "not a private folder of ours" : strerror(errno));
        td_buf_free(&p);
        return NULL;
    }
    return p.data;
}

/* The scratch folder: given, or our own under $TMPDIR. */
static int make_scratch(worker *w, const char *given)
{
    w->own_scratch = given == NULL;
    w->scratch = given ? path_absolute(given) : own_folder(w->name);
    if (w->scratch == NULL)
        return -1;
    int rc = worker_job_prepare(&w->wj, w->scratch);
    if (rc != 0)
        log_error("scratch folder %s: %s", w->scratch, strerror(-rc));
    return rc;
}

static void cleanup(worker *w)
{
    stop_job_thread(w);
    session_close(w, w->dealer != NULL);
    if (w->ctx != NULL)
        zmq_ctx_term(w->ctx);
    if (w->sigfd >= 0)
        close(w->sigfd);
    worker_job_free(&w->wj);
    if (w->own_scratch && w->scratch != NULL)
        rmdir(w->scratch);
    free(w->scratch);
    free(w->exec_argv);
    chain_free(&w->ch);
    config_free(&w->c);
}

int cmd_worker(int argc, char **argv)
{
    cli_common cc = { 0 };
    worker w = { .sigfd = -1 };
    const char *scratch = NULL;
    char **saved = calloc((size_t)argc + 1, sizeof(*saved));

    unlimit_memory();
    /* getopt reorders argv; a restart wants it as it was. */
    if (saved != NULL)
        memcpy(saved, argv, (size_t)argc * sizeof(*saved));
    int rc = parse_args(argc, argv, &cc, &w, &scratch);
    if (rc >= 0 || saved == NULL) {
        free(saved);
        return rc >= 0 ? rc : 1;
    }
    if (w.parent > 0) {
        /* A local worker goes when its daemon does, however it ends. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != w.parent) {
            free(saved);
            return 0;
        }
    }
    if (cli_load(&cc, &w.c, &w.ch) != 0) {
        free(saved);
        return 1;
    }
    if (w.endpoint == NULL)
        w.endpoint = w.c.workers_endpoint;
    if (!*w.name) {
        char host[HOST_NAME_MAX + 1] = "";
        gethostname(host, sizeof(host) - 1);
        snprintf(w.name, sizeof(w.name), "%s-%d", host, (int)getpid());
    }
    char tag[128];
    snprintf(tag, sizeof(tag), "worker %s", w.name);
    log_set_tag(tag);

    /* Exporters with a store of their own keep it there (on this machine). */
    if ((rc = path_mkdirs(w.c.outbox, 0755)) != 0)
        log_warn("cannot create the outbox %s: %s", w.c.outbox, strerror(-rc));
    rc = 1;
    if (make_scratch(&w, scratch) == 0 && signals_setup(&w) == 0 &&
        (w.exec_argv = exec_args(argc, saved)) != NULL &&
        (w.ctx = zmq_ctx_new()) != NULL && start_job_thread(&w) == 0) {
        limit_memory(w.c.worker_memory);
        rc = serve(&w) == 0 ? 0 : 1;
    } else {
        log_error("cannot start: %s", strerror(errno));
    }
    if (w.busy) {
        /* The job thread is inside a plugin: leave without waiting for it. */
        session_close(&w, true);
        worker_job_free(&w.wj);
        _exit(rc);
    }
    cleanup(&w);
    free(saved);
    return rc;
}
