/*
 * json.c - the whole document as JSON: OUTBOX/STEM.json.
 *
 * The format is "transcriptd/1", described in docs/document.md and
 * docs/document.schema.json.
 */
#include <transcriptd/transcriptd.h>

static const td_option options[] = {
    { "indent", TD_OPT_INT, "2", "spaces of indentation; 0 writes one line" },
    { NULL, 0, NULL, NULL },
};

typedef struct json_state {
    size_t flags;
} json_state;

static int init(void **state, const td_options *opts, td_error *err)
{
    static json_state st;
    long long indent = td_opt_int(opts, "indent");
    if (indent < 0 || indent > 31)
        return td_error_set(err, "indent must be between 0 and 31");
    /* Plugins are loaded once per process; one static state is enough. */
    st.flags = (indent ? JSON_INDENT((size_t)indent) : JSON_COMPACT) |
               JSON_REAL_PRECISION(12);
    *state = &st;
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const json_state *st = state;
    json_t *j = td_doc_to_json(doc);
    if (j == NULL)
        return td_error_set(err, "cannot build the JSON document (invalid "
                            "UTF-8 left by a plugin, or out of memory)");
    td_output *out = td_export_open(doc, "json", err);
    int rc = out ? td_output_json(out, j, st->flags) : -1;
    if (rc == 0)
        rc = td_output_puts(out, "\n");
    json_decref(j);
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
    .run = run,
};

TD_PLUGIN_DEFINE(json)
