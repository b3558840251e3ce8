/*
 * podcast_json.c - the Podcasting 2.0 JSON transcript
 * (podcastindex.org namespace, <podcast:transcript type="application/json">):
 *
 *     { "version": "1.0.0",
 *       "segments": [ { "speaker": "Alice", "startTime": 0.5,
 *                       "endTime": 2.1, "body": "Hello" } ] }
 *
 * Each segment becomes one, as given: some publishers write one word per
 * segment, and merging is a cleaner's decision, not a parser's.  "speaker"
 * is optional, and so is "endTime" (the end is then unknown); a body that
 * is only "[jingle]" is an event.  "startTime" and "body" are required, and a segment that
 * lacks them or ends before it starts fails the file with its index.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/events.h"
#include "common/json_in.h"
#include "common/speakers.h"

static int probe(void *state, const td_input *in)
{
    static const char *const KEYS[] = { "\"segments\"", "\"startTime\"",
                                        "\"body\"", NULL };
    size_t len;
    const char *text = td_input_text(in, &len);

    (void)state;
    return json_in_mentions(text, len, '{', KEYS) ? 92 : 0;
}

/* A segment that is only "[Music]" is an event, as in captions. */
static int add(td_doc *doc, td_ms start, td_ms end, int speaker, const char *s,
               size_t n)
{
    const char *inner;
    size_t inner_len;
    if (event_mark(s, n, &inner, &inner_len))
        return event_add(doc, start, end, speaker, inner, inner_len);
    return td_doc_add_segment(doc, start, end, speaker, TD_SEG_SPEECH, s, n);
}

static int segment(td_doc *doc, const json_t *seg, size_t i, td_buf *buf,
                   td_error *err)
{
    td_ms start, end = TD_TIME_UNKNOWN;
    json_t *body = json_object_get(seg, "body");
    json_t *end_v = json_object_get(seg, "endTime");
    json_t *who = json_object_get(seg, "speaker");
    int speaker = TD_NO_SPEAKER;

    if (!json_is_object(seg))
        return td_error_set(err, "segment %zu is not an object", i);
    if (json_in_seconds(json_object_get(seg, "startTime"), &start) != 0)
        return td_error_set(err, "segment %zu: 'startTime' must be seconds (0 to 1e9)", i);
    if (end_v != NULL && json_in_seconds(end_v, &end) != 0)
        return td_error_set(err, "segment %zu: 'endTime' must be seconds (0 to 1e9)", i);
    if (end != TD_TIME_UNKNOWN && end < start)
        return td_error_set(err, "segment %zu ends before it starts", i);
    if (!json_is_string(body))
        return td_error_set(err, "segment %zu: 'body' is missing or not a string", i);

    td_buf_reset(buf);
    if (td_buf_append(buf, json_string_value(body), json_string_length(body)) != 0)
        return td_error_set(err, "out of memory");
    size_t n = td_text_squeeze(buf->data, buf->len);
    if (n == 0)
        return 0;
    if (json_is_string(who) && json_string_length(who) > 0)
        speaker = speaker_find(doc, json_string_value(who), json_string_length(who));
    if (speaker < TD_NO_SPEAKER)
        return speaker_error(err, speaker);
    if (add(doc, start, end, speaker, buf->data, n) != 0)
        return td_error_set(err, "out of memory");
    return 0;
}

static int read_root(td_doc *doc, const json_t *root, td_error *err)
{
    json_t *segs = json_object_get(root, "segments");
    json_t *version = json_object_get(root, "version");
    td_buf buf = TD_BUF_INIT;
    size_t i;
    json_t *seg;
    int rc = 0;

    if (!json_is_array(segs))
        return td_error_set(err, "not a podcast JSON transcript: no 'segments' array");
    json_array_foreach(segs, i, seg) {
        if ((rc = segment(doc, seg, i, &buf, err)) != 0)
            break;
    }
    td_buf_free(&buf);
    if (rc != 0)
        return rc;
    if (json_is_string(version) &&
        json_object_set(td_doc_meta(doc), "version", version) != 0)
        return td_error_set(err, "out of memory");
    if (td_doc_segment_count(doc) == 0)
        return td_error_set(err, "the podcast JSON transcript has no text");
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state;
    json_t *root = json_in_load(doc, "podcast JSON", err);
    if (root == NULL)
        return -1;
    int rc = read_root(doc, root, err);
    json_decref(root);
    return rc;
}

static const td_plugin podcast_json = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "podcast-json",
    .version = "1.0",
    .summary = "Podcasting 2.0 JSON transcripts: speaker, startTime, endTime, body",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(podcast_json)
