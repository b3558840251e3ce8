/*
 * doc_json.c - the document as the "transcriptd/1" JSON object.
 *
 * Written straight into a buffer rather than built as a jansson tree: a
 * tree costs several allocations per segment, and exporting was most of
 * the time a document took.  jansson still writes the small open-ended
 * sections (stats, meta, changes, warnings) and reads the result back for
 * td_doc_to_json().  docs/document.md and docs/document.schema.json
 * describe the format; a change that breaks readers must bump
 * TD_DOC_SCHEMA.
 */
#include "doc_impl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const KIND_NAMES[] = { "speech", "event", "heading" };

typedef struct writer {
    td_buf *out;
    int indent;         /* spaces per level; 0 writes one line */
    int depth;
    bool first;         /* no member written yet at this level */
    int error;
} writer;

static void put(writer *w, const char *s, size_t len)
{
    td_buf *b = w->out;
    /* Most pieces are a few bytes and fit: copy without a call. */
    if (b->len + len < b->cap) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
        b->data[b->len] = '\0';
    } else if (w->error == 0 && td_buf_append(b, s, len) != 0) {
        w->error = ENOMEM;
    }
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

static void newline(writer *w)
{
    static const char spaces[] = "                                ";
    if (w->indent == 0)
        return;
    PUT_LIT(w, "\n");
    for (int n = w->depth * w->indent; n > 0; n -= 32)
        put(w, spaces, n < 32 ? (size_t)n : 32);
}

/* Starts a value inside an array or object: a comma and a line as needed. */
static void member(writer *w)
{
    if (!w->first)
        PUT_LIT(w, ",");
    w->first = false;
    newline(w);
}

static void open_(writer *w, const char *c)
{
    put(w, c, 1);
    w->depth++;
    w->first = true;
}

static void close_(writer *w, const char *c)
{
    bool empty = w->first;
    w->depth--;
    if (!empty)
        newline(w);
    put(w, c, 1);
    w->first = false;
}

/*
 * Whether the 8 bytes at p are all printable ASCII other than '"' and
 * '\\' (written as they are): most text is, eight bytes at a time.
 */
static bool plain8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t x, quote, slash;
    memcpy(&x, p, 8);
    quote = x ^ (ones * '"');
    slash = x ^ (ones * '\\');
    /* (v - 1) & ~v has the high bit of a zero byte set (the usual test). */
    return ((x & high) | ((x - ones * 0x20) & ~x & high) |
            ((quote - ones) & ~quote & high) | ((slash - ones) & ~slash & high)) == 0;
}

/* A JSON string; invalid UTF-8 is an error, never written. */
static void string(writer *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0, i = 0;

    PUT_LIT(w, "\"");
    while (i < len) {
        while (i + 8 <= len && plain8(s + i))
            i += 8;
        if (i >= len)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            int32_t cp;
            int n = td_utf8_decode(s + i, len - i, &cp);
            if (n < 0) {
                w->error = EILSEQ;
                return;
            }
            i += (size_t)n;
            continue;
        }
        put(w, s + run, i - run);
        char esc[6] = { '\\', 0 };
        switch (c) {
        case '"': esc[1] = '"'; put(w, esc, 2); break;
        case '\\': esc[1] = '\\'; put(w, esc, 2); break;
        case '\n': esc[1] = 'n'; put(w, esc, 2); break;
        case '\t': esc[1] = 't'; put(w, esc, 2); break;
        case '\r': esc[1] = 'r'; put(w, esc, 2); break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            put(w, esc, 6);
        }
        run = ++i;
    }
    put(w, s + run, len - run);
    PUT_LIT(w, "\"");
}

/* A member's name: the format's own names, plain ASCII, quoted as they are. */
static void key_quoted(writer *w, const char *quoted, size_t len)
{
    member(w);
    put(w, quoted, len);
    if (w->indent)
        PUT_LIT(w, ": ");
    else
        PUT_LIT(w, ":");
}

#define key(w, name) key_quoted((w), "\"" name "\"", sizeof(name) + 1)

static void cstring(writer *w, const char *s)
{
    if (s == NULL)
        PUT_LIT(w, "null");
    else
        string(w, s, strlen(s));
}

/* Seconds with millisecond precision, without printf: "62", "1.5", "0.125". */
static void seconds(writer *w, td_ms ms)
{
    char buf[32], *p = buf + sizeof(buf);
    if (ms < 0) {
        PUT_LIT(w, "null");
        return;
    }
    long long frac = ms % 1000, whole = ms / 1000;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        while (digits-- > 0) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    put(w, p, (size_t)(buf + sizeof(buf) - p));
}

static void integer(writer *w, long long v)
{
    char buf[24];
    put(w, buf, (size_t)snprintf(buf, sizeof(buf), "%lld", v));
}

static void real(writer *w, double v)
{
    char buf[32];
    put(w, buf, (size_t)snprintf(buf, sizeof(buf), "%.6g", v));
}

static void speaker(writer *w, const td_doc *doc, int s)
{
    cstring(w, td_doc_speaker_name(doc, s));
}

/*
 * A jansson value, indented to fit where it stands.  The sections it is
 * used for are small, so the re-indenting copy costs nothing that matters.
 */
static void jansson(writer *w, const json_t *v)
{
    size_t flags = JSON_REAL_PRECISION(12) |
                   (w->indent ? JSON_INDENT((size_t)w->indent) : JSON_COMPACT);
    char *text = json_dumps(v, flags | JSON_ENCODE_ANY);
    if (text == NULL) {
        w->error = ENOMEM;
        return;
    }
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            newline(w);
            continue;
        }
        put(w, p, 1);
    }
    free(text);
}

static void write_segments(writer *w, const td_doc *doc)
{
    key(w, "segments");
    open_(w, "[");
    for (size_t i = 0; i < doc->segments.n && w->error == 0; i++) {
        const td_segment *s = &doc->segments.v[i];
        member(w);
        open_(w, "{");
        key(w, "start"); seconds(w, s->start);
        key(w, "end"); seconds(w, s->end);
        key(w, "speaker"); speaker(w, doc, s->speaker);
        key(w, "text"); string(w, s->text, s->len);
        key(w, "kind"); cstring(w, KIND_NAMES[s->kind]);
        if (s->label) {
            key(w, "label");
            cstring(w, s->label);
        }
        close_(w, "}");
    }
    close_(w, "]");
}

static void write_speakers(writer *w, const td_doc *doc)
{
    key(w, "speakers");
    open_(w, "[");
    for (size_t i = 0; i < doc->speakers.n; i++) {
        member(w);
        open_(w, "{");
        key(w, "id"); cstring(w, doc->speakers.v[i].id);
        key(w, "name"); cstring(w, doc->speakers.v[i].name);
        close_(w, "}");
    }
    close_(w, "]");
}

static void write_chapters(writer *w, const td_doc *doc)
{
    key(w, "chapters");
    open_(w, "[");
    for (size_t i = 0; i < doc->chapters.n; i++) {
        member(w);
        open_(w, "{");
        key(w, "start"); seconds(w, doc->chapters.v[i].start);
        key(w, "title"); cstring(w, doc->chapters.v[i].title);
        close_(w, "}");
    }
    close_(w, "]");
}

static void write_summary(writer *w, const td_doc *doc)
{
    key(w, "summary");
    open_(w, "{");
    key(w, "sentences");
    open_(w, "[");
    for (size_t i = 0; i < doc->summary.n; i++) {
        const td_summary_line *l = &doc->summary.v[i];
        member(w);
        open_(w, "{");
        key(w, "start"); seconds(w, l->start);
        key(w, "speaker"); speaker(w, doc, l->speaker);
        key(w, "text"); cstring(w, l->text);
        close_(w, "}");
    }
    close_(w, "]");
    key(w, "keywords");
    open_(w, "[");
    for (size_t i = 0; i < doc->keywords.n; i++) {
        member(w);
        open_(w, "{");
        key(w, "phrase"); cstring(w, doc->keywords.v[i].phrase);
        key(w, "score"); real(w, doc->keywords.v[i].score);
        close_(w, "}");
    }
    close_(w, "]");
    close_(w, "}");
}

int td_doc_dump_json(const td_doc *doc, int indent, td_buf *out)
{
    writer w = { .out = out, .indent = indent < 0 ? 0 : indent, .first = true };

    /* Roughly the text plus the markup of each segment: one allocation. */
    if (td_buf_reserve(out, doc->text_len * 2 + doc->segments.n * 120 + 4096) != 0)
        return -ENOMEM;

    open_(&w, "{");
    key(&w, "schema"); cstring(&w, TD_DOC_SCHEMA);
    key(&w, "source");
    open_(&w, "{");
    key(&w, "name"); cstring(&w, doc->name);
    key(&w, "bytes"); integer(&w, (long long)doc->size);
    key(&w, "id"); cstring(&w, doc->id);
    close_(&w, "}");
    key(&w, "format"); cstring(&w, doc->format);
    key(&w, "title"); cstring(&w, doc->title);
    key(&w, "date"); cstring(&w, doc->date);
    write_speakers(&w, doc);
    write_segments(&w, doc);
    write_chapters(&w, doc);
    write_summary(&w, doc);
    key(&w, "stats"); jansson(&w, doc->stats);
    key(&w, "meta"); jansson(&w, doc->meta);
    key(&w, "changes"); jansson(&w, doc->changes);
    key(&w, "warnings"); jansson(&w, doc->warnings);
    close_(&w, "}");
    return -w.error;
}

json_t *td_doc_to_json(const td_doc *doc)
{
    td_buf b = TD_BUF_INIT;
    json_t *j = NULL;
    if (td_doc_dump_json(doc, 0, &b) == 0)
        j = json_loadb(b.data, b.len, 0, NULL);
    td_buf_free(&b);
    return j;
}
