/*
 * json.c - the whole document as JSON: OUTBOX/STEM.json.
 *
 * The format is "transcriptd/1", described in docs/document.md and
 * docs/document.schema.json.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <stdlib.h>

static const td_option options[] = {
    { "indent", TD_OPT_INT, "2", "spaces of indentation (0 to 16); 0 writes one line" },
    { NULL, 0, NULL, NULL },
};

typedef struct json_state {
    int indent;
} json_state;

static int init(void **state, const td_options *opts, td_error *err)
{
    long long indent = td_opt_int(opts, "indent");
    if (indent < 0 || indent > 16)
        return td_error_set(err, "indent must be between 0 and 16");
    json_state *st = malloc(sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->indent = (int)indent;
    *state = st;
    return 0;
}

static void fini(void *state)
{
    free(state);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const json_state *st = state;
    td_buf text = TD_BUF_INIT;
    int rc = td_doc_dump_json(doc, st->indent, &text);

    if (rc == 0)
        rc = td_buf_putc(&text, '\n');
    if (rc != 0) {
        td_buf_free(&text);
        return td_error_set(err, "cannot write the document: %s",
                            rc == -EILSEQ ? "a plugin left invalid UTF-8 in it"
                                          : "out of memory");
    }
    td_output *out = td_export_open(doc, "json", err);
    rc = out ? td_output_write(out, text.data, text.len) : -1;
    td_buf_free(&text);
    if (out != NULL && rc != 0)
        return td_error_set(err, "cannot write the JSON output");
    return out ? 0 : -1;
}

static const td_plugin json = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "json",
    .version = "1.0",
    .summary = "the whole document as JSON (schema transcriptd/1)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(json)
