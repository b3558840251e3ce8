/*
 * whisper_json.c - the JSON that OpenAI Whisper, faster-whisper and
 * WhisperX write:
 *
 *     { "text": "...", "language": "en",
 *       "segments": [ { "id": 0, "start": 0.0, "end": 3.2, "text": " Hello",
 *                       "words": [ { "word": " Hello", "start": 0.0, ... } ],
 *                       "speaker": "SPEAKER_00" } ] }
 *
 * or the segments array alone.  Each segment becomes one; its words are
 * used only when it has no "text" (they are counted in meta.word_timings,
 * not kept: the segment text and times are what the document holds).
 * A segment that is only "[Music]" is an event.  A segment without numeric times, or that ends before it starts, fails
 * the file with its index.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/events.h"
#include "common/json_in.h"
#include "common/speakers.h"

static int probe(void *state, const td_input *in)
{
    static const char *const OBJECT_KEYS[] = { "\"segments\"", "\"start\"",
                                               "\"end\"", "\"text\"", NULL };
    static const char *const ARRAY_KEYS[] = { "\"start\"", "\"end\"", "\"text\"", NULL };
    static const char *const PODCAST_KEYS[] = { "\"startTime\"", NULL };
    size_t len;
    const char *text = td_input_text(in, &len);

    (void)state;
    if (json_in_mentions(text, len, '{', PODCAST_KEYS))
        return 0;
    if (json_in_mentions(text, len, '{', OBJECT_KEYS))
        return 90;
    return json_in_mentions(text, len, '[', ARRAY_KEYS) ? 80 : 0;
}

/* The text of a segment that has only words: the words joined. */
static int words_text(const json_t *words, td_buf *buf)
{
    size_t i;
    json_t *w;

    json_array_foreach(words, i, w) {
        const char *s = json_string_value(json_object_get(w, "word"));
        if (s != NULL && td_buf_append(buf, s, json_string_length(json_object_get(w, "word"))))
            return -ENOMEM;
    }
    return 0;
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
                   size_t *words, td_error *err)
{
    td_ms start, end;
    json_t *text = json_object_get(seg, "text");
    json_t *wlist = json_object_get(seg, "words");
    json_t *who = json_object_get(seg, "speaker");
    int speaker = TD_NO_SPEAKER;

    if (!json_is_object(seg))
        return td_error_set(err, "segment %zu is not an object", i);
    if (json_in_seconds(json_object_get(seg, "start"), &start) != 0 ||
        json_in_seconds(json_object_get(seg, "end"), &end) != 0)
        return td_error_set(err, "segment %zu: 'start' and 'end' must be seconds "
                            "(0 to 1e9)", i);
    if (end < start)
        return td_error_set(err, "segment %zu ends before it starts", i);
    if (text != NULL && !json_is_string(text))
        return td_error_set(err, "segment %zu: 'text' is not a string", i);

    td_buf_reset(buf);
    if (json_is_array(wlist))
        *words += json_array_size(wlist);
    int rc = text ? td_buf_append(buf, json_string_value(text), json_string_length(text))
                  : json_is_array(wlist) ? words_text(wlist, buf) : 0;
    if (rc != 0)
        return td_error_set(err, "out of memory");
    size_t n = buf->data ? td_text_squeeze(buf->data, buf->len) : 0;
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

/* Whisper's top-level text, when it wrote no segments. */
static int whole_text(td_doc *doc, const json_t *root, td_buf *buf)
{
    json_t *text = json_object_get(root, "text");
    if (!json_is_string(text))
        return 0;
    td_buf_reset(buf);
    if (td_buf_append(buf, json_string_value(text), json_string_length(text)) != 0)
        return -ENOMEM;
    size_t n = td_text_squeeze(buf->data, buf->len);
    return n ? td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                                  TD_SEG_SPEECH, buf->data, n) : 0;
}

static int read_root(td_doc *doc, const json_t *root, td_error *err)
{
    const json_t *segs = json_is_array(root) ? root : json_object_get(root, "segments");
    json_t *lang = json_object_get(root, "language");
    td_buf buf = TD_BUF_INIT;
    size_t i, words = 0;
    json_t *seg;
    int rc = 0;

    if (!json_is_array(segs))
        return td_error_set(err, "not a Whisper transcript: no 'segments' array");
    json_array_foreach(segs, i, seg) {
        if ((rc = segment(doc, seg, i, &buf, &words, err)) != 0)
            break;
    }
    if (rc == 0 && td_doc_segment_count(doc) == 0 && whole_text(doc, root, &buf) != 0)
        rc = td_error_set(err, "out of memory");
    td_buf_free(&buf);
    if (rc != 0)
        return rc;
    json_t *meta = td_doc_meta(doc);
    if ((json_is_string(lang) && json_object_set(meta, "language", lang) != 0) ||
        (words > 0 && json_object_set_new(meta, "word_timings",
                                          json_integer((json_int_t)words)) != 0))
        return td_error_set(err, "out of memory");
    if (td_doc_segment_count(doc) == 0)
        return td_error_set(err, "the Whisper transcript has no text");
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state;
    json_t *root = json_in_load(doc, "Whisper JSON", err);
    if (root == NULL)
        return -1;
    int rc = read_root(doc, root, err);
    json_decref(root);
    return rc;
}

static const td_plugin whisper_json = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "whisper-json",
    .version = "1.0",
    .summary = "JSON from OpenAI Whisper, faster-whisper and WhisperX: timed segments",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(whisper_json)
