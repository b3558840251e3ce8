/*
 * transcriptd/plugin.h - the plugin ABI.
 *
 * A plugin is a shared object (a CMake MODULE library, no "lib" prefix) that
 * exports one symbol, td_plugin_entry, returning a static td_plugin.  The
 * daemon loads plugins with libltdl from the configured plugin path, checks
 * td_plugin.abi against TD_PLUGIN_ABI first, and refuses a mismatch.
 *
 * Kinds, in the order a document meets them:
 *   parser      bytes to document: probe() scores how sure it is, run() fills
 *               format, title, speakers and segments
 *   cleaner     rewrites segments (tags, fillers, broken text)
 *   summarizer  adds chapters, summary, keywords, stats
 *   exporter    writes the document out with td_export_open()
 *
 * Threads: init() and fini() run on the daemon's main thread.  probe() and
 * run() may run on several documents at once on worker threads, so the
 * plugin's state must be read-only after init().
 *
 * Compatibility: fields are only ever added at the end of td_plugin, and a
 * plugin built against an older header keeps working as long as the ABI
 * number is the same.  docs/plugins.md is the guide.
 */
#ifndef TRANSCRIPTD_PLUGIN_H
#define TRANSCRIPTD_PLUGIN_H

#include <transcriptd/common.h>
#include <transcriptd/version.h>
#include <transcriptd/doc.h>

TD_BEGIN_DECLS

typedef enum td_kind {
    TD_PARSER = 1,
    TD_CLEANER = 2,
    TD_SUMMARIZER = 3,
    TD_EXPORTER = 4
} td_kind;

/* ---- declared options -------------------------------------------------- */

typedef enum td_opt_type {
    TD_OPT_STRING = 1,
    TD_OPT_INT = 2,      /* a decimal integer, long long range */
    TD_OPT_BOOL = 3,     /* yes/no, true/false, on/off, 1/0 */
    TD_OPT_DOUBLE = 4,
    TD_OPT_LIST = 5      /* space-separated words */
} td_opt_type;

/*
 * One option a plugin accepts in its [name] section of the config.  The
 * core checks every value against its type before anything runs, rejects
 * keys no plugin declared, and `transcriptd plugins` prints the table.
 * An array of these ends with an entry whose name is NULL.
 */
typedef struct td_option {
    const char *name;
    td_opt_type type;
    const char *def;     /* default, as it would be written in the config */
    const char *help;    /* one line */
} td_option;

typedef struct td_options td_options;

/*
 * The value of a declared option: the config's, else the default.  Asking
 * for a name the plugin did not declare returns "" / 0 / false.
 */
TD_API const char *td_opt_string(const td_options *opts, const char *name);
TD_API long long td_opt_int(const td_options *opts, const char *name);
TD_API bool td_opt_bool(const td_options *opts, const char *name);
TD_API double td_opt_double(const td_options *opts, const char *name);
/*
 * A path option resolved the way users expect: absolute as given, relative
 * to the config file's folder, or, when that does not exist, to the
 * installed data folder (share/transcriptd).  Returns a static-lifetime
 * string owned by the options.
 */
TD_API const char *td_opt_path(const td_options *opts, const char *name);

/* ---- what a parser's probe sees ------------------------------------------ */

typedef struct td_input td_input;

TD_API const char *td_input_name(const td_input *in);
/* The decoded text (UTF-8, LF line ends, no NUL); *len gets its length. */
TD_API const char *td_input_text(const td_input *in, size_t *len);

/* ---- exporter output ------------------------------------------------------ */

typedef struct td_output td_output;

/*
 * NAME
 *   td_export_open - start the output STEM.EXT of a document.
 *
 * DESCRIPTION
 *   The bytes go to a temporary file that the core renames to
 *   OUTBOX/STEM.EXT only when the whole chain succeeded, so readers never
 *   see a partial output.  The core closes the output; do not keep it.
 *
 * RETURN VALUE
 *   The output, or NULL with err set.
 */
TD_API td_output *td_export_open(td_doc *doc, const char *ext, td_error *err);
TD_API int td_output_write(td_output *out, const void *data, size_t len);
TD_API int td_output_puts(td_output *out, const char *s);
TD_API int td_output_printf(td_output *out, const char *fmt, ...) TD_PRINTF(2, 3);
/* Writes a jansson value as JSON with the given json_dumpf() flags. */
TD_API int td_output_json(td_output *out, const json_t *value, size_t flags);
/*
 * The folder outputs go to, for exporters that keep their own store there
 * (a database).  Such an exporter is responsible for its own atomicity.
 */
TD_API const char *td_export_dir(const td_doc *doc);

/* ---- the plugin ------------------------------------------------------------ */

typedef struct td_plugin {
    uint32_t abi;                 /* TD_PLUGIN_ABI when the plugin was built */
    td_kind kind;
    const char *name;             /* unique; also the config section */
    const char *version;
    const char *summary;          /* one line for `transcriptd plugins` */
    const td_option *options;     /* may be NULL */

    /* Optional.  Reads options and builds read-only state. */
    int (*init)(void **state, const td_options *opts, td_error *err);
    /* Optional.  Frees what init() built. */
    void (*fini)(void *state);
    /* Parsers: how sure the plugin is that it can read the input, 0..100. */
    int (*probe)(void *state, const td_input *in);
    /* Does the work.  0 on success; -1 with err set on failure. */
    int (*run)(void *state, td_doc *doc, td_error *err);
} td_plugin;

#define TD_PLUGIN_ENTRY "td_plugin_entry"

/*
 * Defines the entry point.  Use once per plugin:
 *     TD_PLUGIN_DEFINE(my_plugin);
 */
#define TD_PLUGIN_DEFINE(var)                                           \
    TD_API const td_plugin *td_plugin_entry(void);                      \
    TD_API const td_plugin *td_plugin_entry(void) { return &(var); }

TD_END_DECLS

#endif
