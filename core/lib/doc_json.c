/*
 * doc_json.c - the document as the "transcriptd/1" JSON object.
 *
 * docs/document.md and docs/document.schema.json describe the result; any
 * change here that breaks a reader must bump TD_DOC_SCHEMA.
 */
#include "doc_impl.h"

static const char *const KIND_NAMES[] = { "speech", "event", "heading" };

/* Seconds as a JSON number, or null when the time is unknown. */
static json_t *seconds(td_ms ms)
{
    return ms < 0 ? json_null() : json_real((double)ms / 1000.0);
}

static json_t *speaker_name(const td_doc *doc, int speaker)
{
    const char *name = td_doc_speaker_name(doc, speaker);
    return name ? json_string(name) : json_null();
}

static json_t *nullable(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *segments_json(const td_doc *doc)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < doc->segments.n; i++) {
        const td_segment *s = &doc->segments.v[i];
        json_t *text = json_stringn(s->text, s->len);
        json_t *o = json_pack("{s:o, s:o, s:o, s:o*, s:s}",
                              "start", seconds(s->start), "end", seconds(s->end),
                              "speaker", speaker_name(doc, s->speaker),
                              "text", text, "kind", KIND_NAMES[s->kind]);
        if (o == NULL || text == NULL) {
            /* Invalid UTF-8 from a plugin: refuse rather than write garbage. */
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
        if (s->label)
            json_object_set_new(o, "label", json_string(s->label));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *speakers_json(const td_doc *doc)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < doc->speakers.n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}",
                                             "id", doc->speakers.v[i].id,
                                             "name", doc->speakers.v[i].name));
    return arr;
}

static json_t *chapters_json(const td_doc *doc)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < doc->chapters.n; i++)
        json_array_append_new(arr, json_pack("{s:o, s:s}",
                                             "start", seconds(doc->chapters.v[i].start),
                                             "title", doc->chapters.v[i].title));
    return arr;
}

static json_t *summary_json(const td_doc *doc)
{
    json_t *sentences = json_array(), *keywords = json_array();
    for (size_t i = 0; sentences && i < doc->summary.n; i++) {
        const td_summary_line *l = &doc->summary.v[i];
        json_array_append_new(sentences, json_pack("{s:o, s:o, s:s}",
                                                   "start", seconds(l->start),
                                                   "speaker", speaker_name(doc, l->speaker),
                                                   "text", l->text));
    }
    for (size_t i = 0; keywords && i < doc->keywords.n; i++)
        json_array_append_new(keywords, json_pack("{s:s, s:f}",
                                                  "phrase", doc->keywords.v[i].phrase,
                                                  "score", doc->keywords.v[i].score));
    return json_pack("{s:o*, s:o*}", "sentences", sentences, "keywords", keywords);
}

json_t *td_doc_to_json(const td_doc *doc)
{
    json_t *segments = segments_json(doc);
    if (segments == NULL)
        return NULL;
    return json_pack("{s:s, s:{s:s, s:I, s:s}, s:o, s:o, s:o, s:o*, s:o*, "
                     "s:o*, s:o*, s:O, s:O, s:O, s:O}",
                     "schema", TD_DOC_SCHEMA,
                     "source", "name", doc->name, "bytes", (json_int_t)doc->size,
                     "id", doc->id,
                     "format", nullable(doc->format),
                     "title", nullable(doc->title),
                     "date", nullable(doc->date),
                     "speakers", speakers_json(doc),
                     "segments", segments,
                     "chapters", chapters_json(doc),
                     "summary", summary_json(doc),
                     "stats", doc->stats,
                     "meta", doc->meta,
                     "changes", doc->changes,
                     "warnings", doc->warnings);
}
