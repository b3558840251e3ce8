/*
 * harness.c - see harness.h.
 */
#include "harness.h"

#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

td_doc *th_doc_bytes(const char *name, const void *bytes, size_t len)
{
    td_error err = { "" };
    td_doc *doc = td_doc_new(name, bytes, len, &err);
    if (doc == NULL)
        fail_msg("td_doc_new(%s): %s", name, err.message);
    return doc;
}

td_doc *th_doc(const char *name, const char *text)
{
    return th_doc_bytes(name, text, strlen(text));
}

static td_options *make_opts(const td_plugin *p, const char *const *opts)
{
    td_options *o = td__options_new(p->options, TD_SOURCE_DIR "/conf",
                                    TD_SOURCE_DIR);
    char why[256];
    for (size_t i = 0; opts && opts[i]; i += 2)
        if (td__options_set(o, opts[i], opts[i + 1], why, sizeof(why)) != 0)
            fail_msg("option %s = %s: %s", opts[i], opts[i + 1], why);
    return o;
}

int th_run(const td_plugin *p, td_doc *doc, const char *const *opts, td_error *err)
{
    td_options *o = make_opts(p, opts);
    void *state = NULL;
    if (p->init && p->init(&state, o, err) != 0)
        fail_msg("%s init: %s", p->name, err->message);
    if (p->kind == TD_PARSER)
        td_doc_set_format(doc, p->name);
    td__doc_set_running(doc, p->name);
    int rc = p->run(state, doc, err);
    td__doc_set_running(doc, NULL);
    td__doc_compact(doc);
    if (p->fini)
        p->fini(state);
    td__options_free(o);
    return rc;
}

int th_probe(const td_plugin *p, const char *name, const char *text)
{
    td_doc *doc = th_doc(name, text);
    td_options *o = make_opts(p, NULL);
    td_error err = { "" };
    void *state = NULL;
    td_input in;
    if (p->init && p->init(&state, o, &err) != 0)
        fail_msg("%s init: %s", p->name, err.message);
    td__input_from_doc(&in, doc);
    int score = p->probe(state, &in);
    if (p->fini)
        p->fini(state);
    td__options_free(o);
    td_doc_free(doc);
    return score;
}

char *th_read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    td_buf b = TD_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        td_buf_append(&b, chunk, n);
    fclose(f);
    if (b.data == NULL)
        td_buf_append(&b, "", 0);
    if (len)
        *len = b.len;
    return b.data;
}

char *th_fixture(const char *rel, size_t *len)
{
    char *s = th_read_file(TD_SOURCE_DIR "/tests/fixtures", rel, len);
    if (s == NULL)
        fail_msg("fixture %s is missing", rel);
    return s;
}

char *th_seed(const char *prefix, size_t *len)
{
    const char *dir = TD_SOURCE_DIR "/../shared/corpus/seeds";
    DIR *d = opendir(dir);
    char *found = NULL;
    struct dirent *e;
    if (d == NULL) {
        fprintf(stderr, "seeds not found in %s: skipping\n", dir);
        return NULL;
    }
    while (found == NULL && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            found = th_read_file(dir, e->d_name, len);
    closedir(d);
    return found;
}

td_doc *th_parse_fixture(const td_plugin *p, const char *rel, int expect_rc,
                         td_error *err)
{
    size_t len;
    char *bytes = th_fixture(rel, &len);
    td_doc *doc = th_doc_bytes(rel, bytes, len);
    free(bytes);
    err->message[0] = '\0';
    assert_int_equal(th_run(p, doc, NULL, err), expect_rc);
    return doc;
}

const char *th_seg_text(const td_doc *doc, size_t i)
{
    td_segment *s = td_doc_segment(doc, i);
    assert_non_null(s);
    return td_segment_text(s, NULL);
}

size_t th_count_kind(const td_doc *doc, td_seg_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++)
        n += td_segment_kind(td_doc_segment(doc, i)) == kind;
    return n;
}

char *th_export(const td_plugin *p, td_doc *doc, const char *const *opts)
{
    char tmpl[] = "/tmp/td-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    td_error err = { "" };
    assert_non_null(dir);
    td__doc_set_export(doc, dir, "out", false);
    if (th_run(p, doc, opts, &err) != 0)
        fail_msg("%s: %s", p->name, err.message);
    if (td__doc_commit_outputs(doc, NULL, &err) != 0)
        fail_msg("commit: %s", err.message);
    return strdup(dir);
}
