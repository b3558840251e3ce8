/*
 * doc.c - the document model (see transcriptd/doc.h).
 */
#include "doc_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

int td__vec_grow(void **v, size_t *cap, size_t n, size_t elsize)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / elsize)
        return -ENOMEM;
    void *p = realloc(*v, ncap * elsize);
    if (p == NULL)
        return -ENOMEM;
    *v = p;
    *cap = ncap;
    return 0;
}

static size_t slen(const char *s, size_t len)
{
    return len == TD_NTS ? strlen(s) : len;
}

td_doc *td_doc_new(const char *name, const void *bytes, size_t len,
                   td_error *err)
{
    td_doc *doc = calloc(1, sizeof(*doc));
    td_buf text = TD_BUF_INIT;

    if (doc == NULL)
        goto fail_nomem;
    td__arena_init(&doc->arena);
    doc->stats = json_object();
    doc->meta = json_object();
    doc->changes = json_object();
    doc->warnings = json_array();
    doc->name = td__arena_strndup(&doc->arena, name, strlen(name));
    if (!doc->stats || !doc->meta || !doc->changes || !doc->warnings ||
        !doc->name)
        goto fail_nomem;

    doc->size = len;
    snprintf(doc->id, sizeof(doc->id), "%016llx",
             (unsigned long long)XXH3_64bits(bytes, len));

    if (len == 0) {
        td_error_set(err, "empty file");
        goto fail;
    }
    if (td_decode(bytes, len, &text, &doc->decode) != 0)
        goto fail_nomem;
    if (doc->decode.binary) {
        td_error_set(err, "binary data, not text (%zu of its characters are "
                     "NUL, control or invalid bytes)",
                     doc->decode.nuls + doc->decode.controls +
                         doc->decode.replaced);
        goto fail;
    }
    doc->text = text.data;
    doc->text_len = text.len;
    if (doc->decode.replaced)
        td_doc_warn(doc, "%zu invalid byte sequences replaced with U+FFFD",
                    doc->decode.replaced);
    if (doc->decode.nuls)
        td_doc_warn(doc, "%zu NUL bytes replaced with U+FFFD", doc->decode.nuls);
    return doc;

fail_nomem:
    td_error_set(err, "out of memory");
fail:
    td_buf_free(&text);
    td_doc_free(doc);
    return NULL;
}

void td_doc_free(td_doc *doc)
{
    if (doc == NULL)
        return;
    td__doc_abort_outputs(doc);
    for (size_t i = 0; i < doc->attached.n; i++)
        if (doc->attached.v[i].free_fn)
            doc->attached.v[i].free_fn(doc->attached.v[i].data);
    free(doc->attached.v);
    free(doc->text);
    free(doc->speakers.v);
    free(doc->segments.v);
    free(doc->chapters.v);
    free(doc->summary.v);
    free(doc->keywords.v);
    json_decref(doc->stats);
    json_decref(doc->meta);
    json_decref(doc->changes);
    json_decref(doc->warnings);
    td__arena_free(&doc->arena);
    free(doc);
}

/* ---- source --------------------------------------------------------------- */

const char *td_doc_source_name(const td_doc *doc) { return doc->name; }
const char *td_doc_source_id(const td_doc *doc) { return doc->id; }
size_t td_doc_source_size(const td_doc *doc) { return doc->size; }

const char *td_doc_text(const td_doc *doc, size_t *len)
{
    if (len != NULL)
        *len = doc->text_len;
    return doc->text;
}

/* ---- identity --------------------------------------------------------------- */

static int set_string(td_doc *doc, const char **field, const char *s, size_t len)
{
    char *copy = td__arena_strndup(&doc->arena, s, slen(s, len));
    if (copy == NULL)
        return -ENOMEM;
    *field = copy;
    return 0;
}

int td_doc_set_format(td_doc *doc, const char *format)
{
    return set_string(doc, &doc->format, format, TD_NTS);
}

const char *td_doc_format(const td_doc *doc) { return doc->format; }

int td_doc_set_title(td_doc *doc, const char *title, size_t len)
{
    return set_string(doc, &doc->title, title, len);
}

const char *td_doc_title(const td_doc *doc) { return doc->title; }

int td_doc_set_date(td_doc *doc, const char *date, size_t len)
{
    return set_string(doc, &doc->date, date, len);
}

const char *td_doc_date(const td_doc *doc) { return doc->date; }

/* ---- speakers ------------------------------------------------------------------ */

int td_doc_speaker(td_doc *doc, const char *id, size_t len)
{
    len = slen(id, len);
    /* Linear: transcripts have a handful of speakers, not thousands. */
    for (size_t i = 0; i < doc->speakers.n; i++) {
        const char *have = doc->speakers.v[i].id;
        if (strncmp(have, id, len) == 0 && have[len] == '\0')
            return (int)i;
    }
    if (doc->speakers.n >= INT32_MAX || TD_VEC_PUSH_ROOM(doc->speakers) != 0)
        return -ENOMEM;
    const char *copy = td__arena_strndup(&doc->arena, id, len);
    if (copy == NULL)
        return -ENOMEM;
    doc->speakers.v[doc->speakers.n] = (td_speaker){ copy, copy };
    return (int)doc->speakers.n++;
}

static bool speaker_ok(const td_doc *doc, int speaker)
{
    return speaker >= 0 && (size_t)speaker < doc->speakers.n;
}

int td_doc_speaker_set_name(td_doc *doc, int speaker, const char *name,
                            size_t len)
{
    if (!speaker_ok(doc, speaker))
        return -EINVAL;
    return set_string(doc, &doc->speakers.v[speaker].name, name, len);
}

size_t td_doc_speaker_count(const td_doc *doc) { return doc->speakers.n; }

const char *td_doc_speaker_id(const td_doc *doc, int speaker)
{
    return speaker_ok(doc, speaker) ? doc->speakers.v[speaker].id : NULL;
}

const char *td_doc_speaker_name(const td_doc *doc, int speaker)
{
    return speaker_ok(doc, speaker) ? doc->speakers.v[speaker].name : NULL;
}

/* ---- segments -------------------------------------------------------------------- */

int td_doc_add_segment(td_doc *doc, td_ms start, td_ms end, int speaker,
                       td_seg_kind kind, const char *text, size_t len)
{
    len = slen(text, len);
    if (speaker != TD_NO_SPEAKER && !speaker_ok(doc, speaker))
        return -EINVAL;
    if (TD_VEC_PUSH_ROOM(doc->segments) != 0)
        return -ENOMEM;
    const char *copy = td__arena_strndup(&doc->arena, text, len);
    if (copy == NULL)
        return -ENOMEM;
    doc->segments.v[doc->segments.n++] = (td_segment){
        .start = start, .end = end, .speaker = speaker, .kind = kind,
        .text = copy, .len = len,
    };
    return 0;
}

size_t td_doc_segment_count(const td_doc *doc) { return doc->segments.n; }

td_segment *td_doc_segment(const td_doc *doc, size_t i)
{
    return i < doc->segments.n ? &doc->segments.v[i] : NULL;
}

int td_doc_remove_segments(td_doc *doc, size_t first, size_t count)
{
    size_t n = doc->segments.n;
    if (first > n || count > n - first)
        return -EINVAL;
    memmove(doc->segments.v + first, doc->segments.v + first + count,
            (n - first - count) * sizeof(td_segment));
    doc->segments.n -= count;
    return 0;
}

void td__doc_compact(td_doc *doc)
{
    size_t w = 0;
    for (size_t r = 0; r < doc->segments.n; r++)
        if (!doc->segments.v[r].dropped)
            doc->segments.v[w++] = doc->segments.v[r];
    doc->segments.n = w;
}

td_ms td_segment_start(const td_segment *seg) { return seg->start; }
td_ms td_segment_end(const td_segment *seg) { return seg->end; }
int td_segment_speaker(const td_segment *seg) { return seg->speaker; }
td_seg_kind td_segment_kind(const td_segment *seg) { return seg->kind; }
const char *td_segment_label(const td_segment *seg) { return seg->label; }
bool td_segment_dropped(const td_segment *seg) { return seg->dropped; }
void td_segment_drop(td_segment *seg) { seg->dropped = true; }
void td_segment_set_speaker(td_segment *seg, int speaker) { seg->speaker = speaker; }
void td_segment_set_kind(td_segment *seg, td_seg_kind kind) { seg->kind = kind; }

const char *td_segment_text(const td_segment *seg, size_t *len)
{
    if (len != NULL)
        *len = seg->len;
    return seg->text;
}

void td_segment_set_times(td_segment *seg, td_ms start, td_ms end)
{
    seg->start = start;
    seg->end = end;
}

int td_segment_set_text(td_doc *doc, td_segment *seg, const char *text,
                        size_t len)
{
    len = slen(text, len);
    if (len <= seg->len && text >= seg->text && text <= seg->text + seg->len) {
        /* A trim of its own text: no new copy. */
        memmove((char *)seg->text, text, len);
        ((char *)seg->text)[len] = '\0';
        seg->len = len;
        return 0;
    }
    const char *copy = td__arena_strndup(&doc->arena, text, len);
    if (copy == NULL)
        return -ENOMEM;
    seg->text = copy;
    seg->len = len;
    return 0;
}

int td_segment_set_label(td_doc *doc, td_segment *seg, const char *label)
{
    return set_string(doc, &seg->label, label, TD_NTS);
}

/* ---- chapters, summary, keywords ---------------------------------------------------- */

int td_doc_add_chapter(td_doc *doc, td_ms start, const char *title, size_t len)
{
    if (TD_VEC_PUSH_ROOM(doc->chapters) != 0)
        return -ENOMEM;
    const char *copy = td__arena_strndup(&doc->arena, title, slen(title, len));
    if (copy == NULL)
        return -ENOMEM;
    doc->chapters.v[doc->chapters.n++] = (td_chapter){ start, copy };
    return 0;
}

size_t td_doc_chapter_count(const td_doc *doc) { return doc->chapters.n; }

td_ms td_doc_chapter_start(const td_doc *doc, size_t i)
{
    return i < doc->chapters.n ? doc->chapters.v[i].start : TD_TIME_UNKNOWN;
}

const char *td_doc_chapter_title(const td_doc *doc, size_t i)
{
    return i < doc->chapters.n ? doc->chapters.v[i].title : NULL;
}

void td_doc_clear_chapters(td_doc *doc) { doc->chapters.n = 0; }

int td_doc_add_summary(td_doc *doc, td_ms start, int speaker, const char *text,
                       size_t len)
{
    if (TD_VEC_PUSH_ROOM(doc->summary) != 0)
        return -ENOMEM;
    const char *copy = td__arena_strndup(&doc->arena, text, slen(text, len));
    if (copy == NULL)
        return -ENOMEM;
    doc->summary.v[doc->summary.n++] = (td_summary_line){ start, speaker, copy };
    return 0;
}

size_t td_doc_summary_count(const td_doc *doc) { return doc->summary.n; }

const char *td_doc_summary_text(const td_doc *doc, size_t i)
{
    return i < doc->summary.n ? doc->summary.v[i].text : NULL;
}

td_ms td_doc_summary_start(const td_doc *doc, size_t i)
{
    return i < doc->summary.n ? doc->summary.v[i].start : TD_TIME_UNKNOWN;
}

int td_doc_summary_speaker(const td_doc *doc, size_t i)
{
    return i < doc->summary.n ? doc->summary.v[i].speaker : TD_NO_SPEAKER;
}

int td_doc_add_keyword(td_doc *doc, const char *phrase, size_t len, double score)
{
    if (TD_VEC_PUSH_ROOM(doc->keywords) != 0)
        return -ENOMEM;
    const char *copy = td__arena_strndup(&doc->arena, phrase, slen(phrase, len));
    if (copy == NULL)
        return -ENOMEM;
    doc->keywords.v[doc->keywords.n++] = (td_keyword){ copy, score };
    return 0;
}

size_t td_doc_keyword_count(const td_doc *doc) { return doc->keywords.n; }

const char *td_doc_keyword(const td_doc *doc, size_t i, double *score)
{
    if (i >= doc->keywords.n)
        return NULL;
    if (score != NULL)
        *score = doc->keywords.v[i].score;
    return doc->keywords.v[i].phrase;
}

/* ---- open-ended sections ------------------------------------------------------------- */

json_t *td_doc_stats(td_doc *doc) { return doc->stats; }
json_t *td_doc_meta(td_doc *doc) { return doc->meta; }
json_t *td__doc_changes(td_doc *doc) { return doc->changes; }

void td__doc_set_running(td_doc *doc, const char *plugin)
{
    doc->running = plugin;
}

int td_doc_count_change(td_doc *doc, const char *what, long n)
{
    const char *who = doc->running ? doc->running : "core";
    json_t *mine = json_object_get(doc->changes, who);

    if (mine == NULL) {
        mine = json_object();
        if (mine == NULL || json_object_set_new(doc->changes, who, mine) != 0)
            return -ENOMEM;
    }
    json_t *count = json_object_get(mine, what);
    if (count != NULL)
        return json_integer_set(count, json_integer_value(count) + n) ? -ENOMEM : 0;
    return json_object_set_new(mine, what, json_integer(n)) ? -ENOMEM : 0;
}

int td_doc_warn(td_doc *doc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return json_array_append_new(doc->warnings, json_string(msg)) ? -ENOMEM : 0;
}

size_t td_doc_warning_count(const td_doc *doc)
{
    return json_array_size(doc->warnings);
}

/* ---- memory ------------------------------------------------------------------------------ */

void *td_doc_alloc(td_doc *doc, size_t size)
{
    return td__arena_alloc(&doc->arena, size);
}

char *td_doc_strndup(td_doc *doc, const char *s, size_t len)
{
    return td__arena_strndup(&doc->arena, s, slen(s, len));
}

int td_doc_attach(td_doc *doc, const char *key, void *data, void (*free_fn)(void *))
{
    for (size_t i = 0; i < doc->attached.n; i++) {
        td_attachment *a = &doc->attached.v[i];
        if (strcmp(a->key, key) == 0) {
            if (a->free_fn && a->data != data)
                a->free_fn(a->data);
            a->data = data;
            a->free_fn = free_fn;
            return 0;
        }
    }
    const char *copy = td__arena_strndup(&doc->arena, key, strlen(key));
    if (copy == NULL || TD_VEC_PUSH_ROOM(doc->attached) != 0) {
        if (free_fn)
            free_fn(data);
        return -ENOMEM;
    }
    doc->attached.v[doc->attached.n++] = (td_attachment){ copy, data, free_fn };
    return 0;
}

void *td_doc_attached(const td_doc *doc, const char *key)
{
    for (size_t i = 0; i < doc->attached.n; i++)
        if (strcmp(doc->attached.v[i].key, key) == 0)
            return doc->attached.v[i].data;
    return NULL;
}
/* ---- limits ------------------------------------------------------------------------------- */

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void td__doc_set_limits(td_doc *doc, uint64_t started_ns, unsigned timeout_s,
                        size_t max_memory)
{
    doc->timeout_s = timeout_s;
    doc->deadline_ns = timeout_s ? started_ns + (uint64_t)timeout_s * 1000000000u : 0;
    doc->max_memory = max_memory;
}

uint64_t td__monotonic_ns(void)
{
    return monotonic_ns();
}

bool td_doc_expired(const td_doc *doc)
{
    return doc->deadline_ns != 0 && monotonic_ns() >= doc->deadline_ns;
}

size_t td__doc_memory(const td_doc *doc)
{
    /* The decoded text was allocated with an eighth to spare (td_decode). */
    size_t text = doc->text_len + doc->text_len / 8 + 1;
    return sizeof(*doc) + td__arena_total(&doc->arena) + text +
           doc->speakers.cap * sizeof(*doc->speakers.v) +
           doc->segments.cap * sizeof(*doc->segments.v) +
           doc->chapters.cap * sizeof(*doc->chapters.v) +
           doc->summary.cap * sizeof(*doc->summary.v) +
           doc->keywords.cap * sizeof(*doc->keywords.v);
}

int td__doc_check_limits(const td_doc *doc, char *why, size_t len)
{
    if (td_doc_expired(doc)) {
        snprintf(why, len, "timed out after %u s", doc->timeout_s);
        return -1;
    }
    size_t used = doc->max_memory ? td__doc_memory(doc) : 0;
    if (used > doc->max_memory) {
        snprintf(why, len, "the document uses %zu bytes of memory, more than "
                 "max_doc_memory (%zu)", used, doc->max_memory);
        return -1;
    }
    return 0;
}
