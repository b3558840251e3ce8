/*
 * fuzz_parser.c - the libFuzzer driver every parser target shares.
 *
 * The input goes through what the daemon does to a dropped file: decode,
 * probe, run.  run() is called whatever the probe said, since a parser
 * must never crash, only fail.  What comes out must hold together: a
 * failure says why, and a success gives times that make sense, speakers
 * that exist and text that exports as JSON.
 */
#include <transcriptd/transcriptd.h>

#include "internal.h"

#include <stdlib.h>

const td_plugin *td_plugin_entry(void);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const td_plugin *plugin;
static td_options *opts;        /* lives as long as the process, as in the daemon */
static void *state;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    td_error err = { "" };
    (void)argc;
    (void)argv;
    plugin = td_plugin_entry();
    opts = td__options_new(plugin->options, ".", ".");
    if (opts == NULL || (plugin->init && plugin->init(&state, opts, &err) != 0))
        abort();
    return 0;
}

static void check_segments(const td_doc *doc)
{
    long speakers = (long)td_doc_speaker_count(doc);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms start = td_segment_start(s), end = td_segment_end(s);
        int who = td_segment_speaker(s);
        if (start < TD_TIME_UNKNOWN || end < TD_TIME_UNKNOWN)
            __builtin_trap();
        if (start >= 0 && end >= 0 && end < start)
            __builtin_trap();
        if (who < TD_NO_SPEAKER || who >= speakers)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    td_error err = { "" };
    td_doc *doc = td_doc_new("fuzz", data, size, &err);
    td_input in;

    if (doc == NULL)
        return 0;
    td__input_from_doc(&in, doc);
    int score = plugin->probe(state, &in);
    if (score < 0 || score > 100)
        __builtin_trap();
    td_doc_set_format(doc, plugin->name);
    td__doc_set_running(doc, plugin->name);
    int rc = plugin->run(state, doc, &err);
    td__doc_set_running(doc, NULL);
    if (rc != 0) {
        /* A failure names its reason, in text the error file can hold. */
        json_t *msg = json_string(err.message);
        if (rc != -1 || err.message[0] == '\0' || msg == NULL)
            __builtin_trap();
        json_decref(msg);
    } else {
        td__doc_compact(doc);
        check_segments(doc);
        json_t *j = td_doc_to_json(doc);
        char *s = j ? json_dumps(j, 0) : NULL;
        if (s == NULL)
            __builtin_trap();
        free(s);
        json_decref(j);
    }
    td_doc_free(doc);
    return 0;
}
