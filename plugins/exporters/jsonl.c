/*
 * jsonl.c - one JSON object per segment per line: OUTBOX/STEM.jsonl.
 *
 * For data pipelines that stream segments: each line stands alone with
 * the file and source id it came from ($defs/jsonl_record in
 * docs/document.schema.json).
 */
#include <transcriptd/transcriptd.h>

static const char *const KIND_NAMES[] = { "speech", "event", "heading" };

static json_t *seconds(td_ms ms)
{
    return ms < 0 ? json_null() : json_real((double)ms / 1000.0);
}

static json_t *record(const td_doc *doc, size_t i)
{
    const td_segment *s = td_doc_segment(doc, i);
    const char *speaker = td_segment_speaker(s) == TD_NO_SPEAKER ? NULL
                          : td_doc_speaker_name(doc, td_segment_speaker(s));
    size_t len;
    const char *text = td_segment_text(s, &len);
    json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:s%, s:s}",
                          "source", td_doc_source_name(doc),
                          "id", td_doc_source_id(doc), "index", (json_int_t)i,
                          "start", seconds(td_segment_start(s)),
                          "end", seconds(td_segment_end(s)),
                          "speaker", speaker ? json_string(speaker) : json_null(),
                          "text", text, len, "kind", KIND_NAMES[td_segment_kind(s)]);
    if (o != NULL && td_segment_label(s) != NULL &&
        json_object_set_new(o, "label", json_string(td_segment_label(s))) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state;
    td_output *out = td_export_open(doc, "jsonl", err);
    if (out == NULL)
        return -1;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        json_t *o = record(doc, i);
        if (o == NULL)
            return td_error_set(err, "segment %zu cannot be written as JSON "
                                "(invalid UTF-8, or out of memory)", i);
        int rc = td_output_json(out, o, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(o);
        if (rc != 0 || td_output_puts(out, "\n") != 0)
            return td_error_set(err, "cannot write the JSON lines output");
    }
    return 0;
}

static const td_plugin jsonl = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "jsonl",
    .version = "1.0",
    .summary = "one JSON object per segment per line, for data pipelines",
    .run = run,
};

TD_PLUGIN_DEFINE(jsonl)
