/*
 * output.c - exporter outputs: temporary files that become OUTDIR/STEM.EXT
 * only when the whole chain succeeded.
 */
#include "doc_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int td__doc_set_export(td_doc *doc, const char *outdir, const char *stem, bool sync)
{
    doc->outdir = td__arena_strndup(&doc->arena, outdir, strlen(outdir));
    doc->stem = td__arena_strndup(&doc->arena, stem, strlen(stem));
    doc->sync = sync;
    return doc->outdir && doc->stem ? 0 : -ENOMEM;
}

int td__doc_set_staging(td_doc *doc, const char *stagedir)
{
    doc->stagedir = td__arena_strndup(&doc->arena, stagedir, strlen(stagedir));
    return doc->stagedir ? 0 : -ENOMEM;
}

const char *td_export_dir(const td_doc *doc)
{
    return doc->outdir;
}

/* Where outputs are written. */
static const char *out_folder(const td_doc *doc)
{
    return doc->stagedir ? doc->stagedir : doc->outdir;
}

static bool ext_ok(const char *ext)
{
    if (*ext == '\0' || *ext == '.' || strlen(ext) > 32)
        return false;
    for (const char *p = ext; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
            return false;
    return true;
}

static char *path_join3(const char *dir, const char *a, const char *b)
{
    td_buf p = TD_BUF_INIT;
    if (td_buf_printf(&p, "%s/%s%s", dir, a, b) != 0) {
        td_buf_free(&p);
        return NULL;
    }
    return p.data;
}

td_output *td_export_open(td_doc *doc, const char *ext, td_error *err)
{
    if (doc->outdir == NULL) {
        td_error_set(err, "no output folder set for this document");
        return NULL;
    }
    if (!ext_ok(ext)) {
        td_error_set(err, "bad output extension '%s'", ext);
        return NULL;
    }
    for (td_output *o = doc->outputs; o; o = o->next)
        if (strcmp(o->ext, ext) == 0) {
            td_error_set(err, "output .%s opened twice", ext);
            return NULL;
        }

    td_output *out = td_doc_alloc(doc, sizeof(*out));
    char dotted[64];
    snprintf(dotted, sizeof(dotted), ".%s", ext);
    if (out == NULL)
        goto nomem;
    *out = (td_output){ .ext = td_doc_strndup(doc, ext, TD_NTS), .fd = -1 };
    out->final_path = path_join3(out_folder(doc), doc->stem, dotted);
    /* A dot name: the daemon's own watchers and most tools ignore it. */
    td_buf tmp = TD_BUF_INIT;
    if (td_buf_printf(&tmp, "%s/.%s%s.XXXXXX", out_folder(doc), doc->stem, dotted))
        goto nomem;
    out->tmp_path = tmp.data;
    if (out->ext == NULL || out->final_path == NULL)
        goto nomem;

    int fd = mkostemp(out->tmp_path, O_CLOEXEC);
    if (fd < 0) {
        td_error_set(err, "cannot create %s: %s", out->tmp_path, strerror(errno));
        goto fail;
    }
    fchmod(fd, 0644);
    out->fd = fd;
    out->next = doc->outputs;
    doc->outputs = out;
    return out;

nomem:
    td_error_set(err, "out of memory");
fail:
    if (out) {
        free(out->final_path);
        free(out->tmp_path);
    }
    return NULL;
}

#define OUTPUT_BLOCK (64 * 1024)

static int write_all(td_output *out, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            out->error = errno;
            return -out->error;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int flush_pending(td_output *out)
{
    int rc = write_all(out, out->pending.data, out->pending.len);
    td_buf_reset(&out->pending);
    return rc;
}

int td_output_write(td_output *out, const void *data, size_t len)
{
    if (out->error)
        return -out->error;
    if (out->pending.len + len > OUTPUT_BLOCK && out->pending.len > 0 &&
        flush_pending(out) != 0)
        return -out->error;
    if (len >= OUTPUT_BLOCK)
        return write_all(out, data, len);
    if (td_buf_append(&out->pending, data, len) != 0)
        return -(out->error = ENOMEM);
    return 0;
}

int td_output_puts(td_output *out, const char *s)
{
    return td_output_write(out, s, strlen(s));
}

int td_output_printf(td_output *out, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -(out->error = EINVAL);
    if ((size_t)n < sizeof(small))
        return td_output_write(out, small, (size_t)n);
    td_buf big = TD_BUF_INIT;
    if (td_buf_reserve(&big, (size_t)n) != 0)
        return -(out->error = ENOMEM);
    va_start(ap, fmt);
    vsnprintf(big.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = td_output_write(out, big.data, (size_t)n);
    td_buf_free(&big);
    return rc;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return td_output_write(data, buffer, size) ? -1 : 0;
}

int td_output_json(td_output *out, const json_t *value, size_t flags)
{
    if (json_dump_callback(value, dump_cb, out, flags) != 0)
        return out->error ? -out->error : -(out->error = EIO);
    return 0;
}

static void output_release(td_output *o, bool remove_tmp)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    td_buf_free(&o->pending);
    if (remove_tmp)
        unlink(o->tmp_path);
    free(o->tmp_path);
    free(o->final_path);
    o->tmp_path = o->final_path = NULL;
}

/* Flushes and closes; 0 or an errno. */
static int output_finish(td_output *o, bool sync)
{
    int rc = o->error;
    if (rc == 0 && flush_pending(o) != 0)
        rc = o->error;
    if (rc == 0 && sync && fsync(o->fd) != 0)
        rc = errno;
    if (close(o->fd) != 0 && rc == 0)
        rc = errno;
    o->fd = -1;
    return rc;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

int td__doc_output_error(const td_doc *doc, char *buf, size_t len)
{
    for (const td_output *o = doc->outputs; o; o = o->next)
        if (o->error) {
            snprintf(buf, len, "cannot write %s: %s", o->final_path,
                     strerror(o->error));
            return o->error;
        }
    return 0;
}

int td__doc_commit_outputs(td_doc *doc, json_t *outputs, td_error *err)
{
    int rc = 0;

    for (td_output *o = doc->outputs; o; o = o->next) {
        if ((rc = output_finish(o, doc->sync)) != 0) {
            td_error_set(err, "cannot write %s: %s", o->final_path, strerror(rc));
            goto fail;
        }
    }
    /* Every temporary file is complete; only now do names change. */
    for (td_output *o = doc->outputs; o; o = o->next) {
        if (rename(o->tmp_path, o->final_path) != 0) {
            rc = errno;
            td_error_set(err, "cannot rename to %s: %s", o->final_path,
                         strerror(rc));
            goto fail;
        }
        if (outputs)
            json_object_set_new(outputs, o->ext, td__json_string_lossy(o->final_path));
        output_release(o, false);
    }
    if (doc->sync && doc->outputs && (rc = sync_dir(out_folder(doc))) != 0) {
        td_error_set(err, "cannot sync %s: %s", out_folder(doc), strerror(rc));
        goto fail;
    }
    doc->outputs = NULL;
    return 0;

fail:
    td__doc_abort_outputs(doc);
    return -rc;
}

void td__doc_abort_outputs(td_doc *doc)
{
    for (td_output *o = doc->outputs; o; o = o->next)
        if (o->tmp_path != NULL)
            output_release(o, true);
    doc->outputs = NULL;
}
