/*
 * boilerplate.c - drops page furniture (banners, newsletter and cookie
 * footers, navigation) by PCRE2 patterns read from conf/ files.
 *
 * Speech is never dropped: only segments with neither a speaker nor a
 * time are tried (a turn always has its speaker, a caption line its time),
 * and a pattern must match a segment's whole text, so a sentence that
 * merely mentions a newsletter stays.  conf/boilerplate.patterns says more.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct patterns {
    pcre2_code **v;
    size_t n, cap;
    size_t max_length;
} patterns;

static const td_option options[] = {
    { "patterns", TD_OPT_STRING, "conf/boilerplate.patterns",
      "file of PCRE2 patterns, one a line, each matching a whole segment" },
    { "extra_patterns", TD_OPT_STRING, "",
      "a file of patterns of your own, used as well as the shipped ones" },
    { "max_length", TD_OPT_INT, "300",
      "bytes: a longer segment is prose, never furniture, and is not tried" },
    { NULL, 0, NULL, NULL },
};

static void patterns_free(patterns *p)
{
    for (size_t i = 0; i < p->n; i++)
        pcre2_code_free(p->v[i]);
    free(p->v);
    free(p);
}

static int add_pattern(patterns *p, pcre2_code *re)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        pcre2_code **v = realloc(p->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = re;
    return 0;
}

/* Whether src has a | outside every group and class: an alternation of
 * the whole pattern, whose ends cannot be taken apart. */
static bool top_level_bar(const char *src, size_t len)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\\') {
            i++;
        } else if (src[i] == '[') {
            for (i += i + 1 < len && src[i + 1] == ']' ? 2 : 1; i < len && src[i] != ']'; i++)
                if (src[i] == '\\')
                    i++;
        } else if (src[i] == '(') {
            depth++;
        } else if (src[i] == ')') {
            depth--;
        } else if (src[i] == '|' && depth == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Compiles one pattern line; file and line name it in the error.  A
 * pattern must match a whole segment; one of the form .*X.* ("contains
 * X") is searched for as X, which PCRE2 does many times faster than
 * backtracking over the leading .* (with DOTALL the two are the same).
 */
static int compile_line(patterns *p, const char *src, size_t len,
                        const char *file, int line, td_error *err)
{
    uint32_t flags = PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_CASELESS |
                     PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL;
    if (len > 4 && memcmp(src, ".*", 2) == 0 && memcmp(src + len - 2, ".*", 2) == 0 &&
        src[len - 3] != '\\' && !top_level_bar(src, len)) {
        src += 2;
        len -= 4;
        flags &= ~(uint32_t)(PCRE2_ANCHORED | PCRE2_ENDANCHORED);
    }
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, len, flags, &code, &at, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof(msg));
        return td_error_set(err, "%s:%d: bad pattern at offset %zu: %s",
                            file, line, (size_t)at, (const char *)msg);
    }
    /* JIT is an optimisation: without it (no JIT on this CPU) matching works. */
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    if (add_pattern(p, re) != 0) {
        pcre2_code_free(re);
        return td_error_set(err, "out of memory");
    }
    return 0;
}

/* Reads a pattern file: blank lines and # comments are skipped. */
static int load_file(patterns *p, const char *file, td_error *err)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return td_error_set(err, "cannot read %s: %s", file, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                         line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        size_t s = strspn(line, " \t");
        if ((size_t)n <= s || line[s] == '#')
            continue;
        rc = compile_line(p, line + s, (size_t)n - s, file, lineno, err);
    }
    free(line);
    fclose(f);
    return rc;
}

static int init(void **state, const td_options *opts, td_error *err)
{
    patterns *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return td_error_set(err, "out of memory");
    long long max = td_opt_int(opts, "max_length");
    p->max_length = max > 0 ? (size_t)max : 0;
    const char *files[] = { td_opt_path(opts, "patterns"),
                            td_opt_path(opts, "extra_patterns") };
    for (size_t i = 0; i < 2; i++) {
        if (*files[i] == '\0')
            continue;
        if (load_file(p, files[i], err) != 0) {
            patterns_free(p);
            return -1;
        }
    }
    *state = p;
    return 0;
}

static void fini(void *state)
{
    if (state != NULL)
        patterns_free(state);
}

/*
 * Speech has a speaker or a time; events are never furniture; and
 * furniture is short (a pattern that starts with .* would otherwise scan
 * every paragraph of prose).
 */
static bool may_be_furniture(const patterns *p, const td_segment *seg)
{
    size_t len;
    if (td_segment_start(seg) != TD_TIME_UNKNOWN ||
        td_segment_speaker(seg) != TD_NO_SPEAKER || td_segment_kind(seg) == TD_SEG_EVENT)
        return false;
    td_segment_text(seg, &len);
    return len <= p->max_length;
}

static bool matches(const patterns *p, const char *text, size_t len,
                    pcre2_match_data *md)
{
    for (size_t i = 0; i < p->n; i++)
        if (pcre2_match(p->v[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0)
            return true;
    return false;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const patterns *p = state;
    pcre2_match_data *md = NULL;
    long dropped = 0;

    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *seg = td_doc_segment(doc, i);
        if (!may_be_furniture(p, seg))
            continue;
        /* Made on the first candidate: most documents of speech have none. */
        if (md == NULL && (md = pcre2_match_data_create(1, NULL)) == NULL)
            return td_error_set(err, "out of memory");
        size_t len;
        const char *text = td_segment_text(seg, &len);
        if (matches(p, text, len, md)) {
            td_segment_drop(seg);
            dropped++;
        }
    }
    pcre2_match_data_free(md);
    td_doc_count_change(doc, "dropped", dropped);
    return 0;
}

static const td_plugin boilerplate = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "boilerplate",
    .version = "1.0",
    .summary = "drops page furniture (banners, cookie and newsletter footers) by patterns",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(boilerplate)
