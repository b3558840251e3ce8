/*
 * internal.h - the parts of libtranscriptd the daemon uses but plugins do
 * not.  They are exported (the daemon links the shared library) under the
 * td__ prefix, which says: not part of the SDK, may change at any time.
 */
#ifndef TD_INTERNAL_H
#define TD_INTERNAL_H

#include <transcriptd/transcriptd.h>

/* What a parser's probe sees: the document's name and decoded text. */
struct td_input {
    const char *name;
    const char *text;
    size_t len;
};

TD_API void td__input_from_doc(td_input *in, const td_doc *doc);

/*
 * A JSON string of s, with invalid UTF-8 replaced by U+FFFD: file names
 * are bytes, and events must still name them.
 */
TD_API json_t *td__json_string_lossy(const char *s);

/* The plugin now running, for td_doc_count_change(). */
TD_API void td__doc_set_running(td_doc *doc, const char *plugin);
/* Removes the segments plugins marked with td_segment_drop(). */
TD_API void td__doc_compact(td_doc *doc);
/* The changes recorded so far: { plugin: { what: n } } (borrowed). */
TD_API json_t *td__doc_changes(td_doc *doc);

/*
 * Where exporters write: OUTDIR/STEM.EXT, by way of temporary files that
 * td__doc_commit_outputs() renames into place (after fsync when sync).
 */
TD_API int td__doc_set_export(td_doc *doc, const char *outdir, const char *stem,
                              bool sync);
/*
 * Outputs go to STAGEDIR/STEM.EXT instead (a worker process's scratch
 * folder, whose outputs the daemon writes into OUTDIR); td_export_dir()
 * still names OUTDIR, where an exporter with a store of its own keeps it.
 */
TD_API int td__doc_set_staging(td_doc *doc, const char *stagedir);
/*
 * Renames every output into place.  outputs (may be NULL) gets a map from
 * extension to final path.  On failure the outputs not yet renamed are
 * removed and err says which failed.
 */
TD_API int td__doc_commit_outputs(td_doc *doc, json_t *outputs, td_error *err);
/* Removes every temporary output (the chain failed). */
TD_API void td__doc_abort_outputs(td_doc *doc);
/*
 * The first write error of an output not yet committed, as "cannot write
 * PATH: reason" in buf (PATH the final name): an exporter's own message
 * may not say which file or why.  Returns its errno, or 0 if none failed.
 */
TD_API int td__doc_output_error(const td_doc *doc, char *buf, size_t len);

/* ---- limits: checked by the chain between stages ---- */

/* CLOCK_MONOTONIC in nanoseconds: the clock limits are measured on. */
TD_API uint64_t td__monotonic_ns(void);
/*
 * A document started at started_ns may take timeout_s seconds and hold
 * max_memory bytes (0: no limit).  td_doc_expired() reads the deadline.
 */
TD_API void td__doc_set_limits(td_doc *doc, uint64_t started_ns,
                               unsigned timeout_s, size_t max_memory);
/* The memory the document holds: its arena, text and arrays (not jansson's). */
TD_API size_t td__doc_memory(const td_doc *doc);
/* 0, or -1 with why filled: "timed out after N s", or over max_memory. */
TD_API int td__doc_check_limits(const td_doc *doc, char *why, size_t len);

/* ---- options: built by the core from the declared table and the config ---- */

TD_API td_options *td__options_new(const td_option *decl, const char *config_dir,
                                   const char *data_dir);
/*
 * Sets a value from the config.  Returns 0, -ENOENT for a key the plugin
 * did not declare, or -EINVAL for a value of the wrong type (why says what
 * was expected).
 */
TD_API int td__options_set(td_options *opts, const char *key, const char *value,
                           char *why, size_t whylen);
/* Checks a value against a type without storing it (same returns). */
TD_API int td__option_check(td_opt_type type, const char *value, char *why,
                            size_t whylen);
TD_API void td__options_free(td_options *opts);
TD_API const char *td__opt_type_name(td_opt_type type);

#endif
