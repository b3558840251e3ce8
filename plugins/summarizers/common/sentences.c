/*
 * sentences.c - see sentences.h.
 */
#include "sentences.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A speech segment's text in the joined buffer. */
typedef struct piece {
    size_t off, len;
    uint32_t seg;
    td_ms start, end;
} piece;

typedef struct splitter {
    sentences *out;
    piece *pieces;
    size_t npieces, cap;
    size_t cursor;          /* the piece the next sentence starts in */
    size_t pending;         /* where the open sentence starts in out->text */
    size_t words;           /* words begun in out->text so far */
    size_t pending_words;   /* ... when the open sentence began */
    int speaker;
    bool turn_start;
} splitter;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The byte length of a closing quote or bracket at s, or 0. */
static size_t closer_len(const char *s, size_t avail)
{
    static const char *const multi[] = { "\xe2\x80\x9d", "\xe2\x80\x99", "\xc2\xbb" };
    if (avail == 0)
        return 0;
    if (s[0] != '\0' && strchr("\"')]*_", s[0]) != NULL)
        return 1;
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
        size_t n = strlen(multi[i]);
        if (avail >= n && memcmp(s, multi[i], n) == 0)
            return n;
    }
    return 0;
}

/* The byte length of a sentence-ending mark at s ('.', '?', '!', '…'), or 0. */
static size_t end_mark_len(const char *s, size_t avail)
{
    if (s[0] == '.' || s[0] == '?' || s[0] == '!')
        return 1;
    if (avail >= 3 && memcmp(s, "\xe2\x80\xa6", 3) == 0)
        return 3;
    return 0;
}

static int push_sentence(splitter *sp, size_t off, size_t len, size_t words)
{
    sentences *out = sp->out;
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 256;
        sentence *v = realloc(out->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    while (sp->cursor + 1 < sp->npieces && sp->pieces[sp->cursor + 1].off <= off)
        sp->cursor++;
    const piece *p = &sp->pieces[sp->cursor];
    td_ms start = p->start;
    if (start >= 0 && p->end > start && p->len > 0 && off > p->off)
        start += (td_ms)((double)(p->end - start) * (double)(off - p->off) / (double)p->len);

    const char *t = out->text.data + off;
    size_t last = len;
    for (bool more = true; more && last > 0;) {
        more = false;
        for (size_t k = 1; k <= 3 && k <= last && !more; k++)
            if (closer_len(t + last - k, k) == k) {
                last -= k;
                more = true;
            }
    }
    out->v[out->n++] = (sentence){
        .off = (uint32_t)off, .len = (uint32_t)len, .words = (uint32_t)words,
        .seg = p->seg, .turn = (uint32_t)(out->turns - 1), .start = start,
        .speaker = sp->speaker, .question = last > 0 && t[last - 1] == '?',
        .turn_start = sp->turn_start,
    };
    sp->turn_start = false;
    return 0;
}

/* Cuts a long stretch into windows of about SENTENCE_WINDOW words. */
static int push_windows(splitter *sp, size_t off, size_t len, size_t words)
{
    const char *t = sp->out->text.data;
    size_t k = (words + SENTENCE_WINDOW - 1) / SENTENCE_WINDOW;
    size_t i = off, end = off + len;
    for (size_t w = 0; w < k; w++) {
        /* Window w ends after word (w + 1) * words / k. */
        size_t want = (w + 1) * words / k - w * words / k, n = 0, from = i;
        while (i < end && n < want) {
            while (i < end && is_space(t[i]))
                i++;
            while (i < end && !is_space(t[i]))
                i++;
            n++;
        }
        while (from < i && is_space(t[from]))
            from++;
        if (n > 0 && push_sentence(sp, from, i - from, n) != 0)
            return -ENOMEM;
    }
    return 0;
}

/* Emits text [from, to) of the buffer, of words words, as one sentence
 * or as windows of it. */
static int emit(splitter *sp, size_t from, size_t to, size_t words)
{
    const char *t = sp->out->text.data;
    while (from < to && is_space(t[from]))
        from++;
    while (to > from && is_space(t[to - 1]))
        to--;
    if (from == to)
        return 0;
    if (words > SENTENCE_LONG)
        return push_windows(sp, from, to - from, words);
    return push_sentence(sp, from, to - from, words);
}

/* Ends the open sentence, if any. */
static int close_open(splitter *sp)
{
    int rc = emit(sp, sp->pending, sp->out->text.len, sp->words - sp->pending_words);
    sp->pending = sp->out->text.len;
    sp->pending_words = sp->words;
    return rc;
}

/* What split_piece() looks for in a byte: white space, or what may start
 * a sentence-ending mark ('.', '?', '!', the first byte of '…'). */
enum { BYTE_SPACE = 1, BYTE_MARK = 2 };
static const unsigned char BYTE_KIND[256] = {
    [' '] = BYTE_SPACE, ['\t'] = BYTE_SPACE, ['\n'] = BYTE_SPACE, ['\r'] = BYTE_SPACE,
    ['.'] = BYTE_MARK, ['?'] = BYTE_MARK, ['!'] = BYTE_MARK, [0xe2] = BYTE_MARK,
};

/*
 * Splits the piece just appended at its sentence ends, counting words
 * (runs of bytes other than ASCII white space) on the way.
 */
static int split_piece(splitter *sp, const piece *p)
{
    const char *t = sp->out->text.data;
    size_t end = p->off + p->len, words = sp->words;
    unsigned after_space = 1;
    for (size_t i = p->off; i < end; i++) {
        char ch = t[i];
        unsigned kind = BYTE_KIND[(unsigned char)ch], space = kind & BYTE_SPACE;
        /* Without branches: where words start is as good as random. */
        words += after_space & (space ^ 1);
        after_space = space;
        if (kind != BYTE_MARK)
            continue;
        size_t m = end_mark_len(t + i, end - i);
        if (m == 0)
            continue;
        size_t q = i + m, c;
        while ((c = closer_len(t + q, end - q)) > 0)
            q += c;
        if (q < end && !is_space(t[q]))
            continue;
        if (ch != '?' && ch != '!') {
            size_t r = q;
            while (r < end && is_space(t[r]))
                r++;
            if (r < end && t[r] >= 'a' && t[r] <= 'z')
                continue;
        }
        sp->words = words;
        if (emit(sp, sp->pending, q, words - sp->pending_words) != 0)
            return -ENOMEM;
        sp->pending = q;
        sp->pending_words = words;
        i = q - 1;
    }
    sp->words = words;
    return 0;
}

static int add_speech(splitter *sp, uint32_t seg, const td_segment *s)
{
    sentences *out = sp->out;
    size_t len;
    const char *text = td_segment_text(s, &len);
    while (len > 0 && is_space(text[0]))
        text++, len--;
    while (len > 0 && is_space(text[len - 1]))
        len--;
    if (len == 0)
        return 0;
    if (out->turns == 0 || td_segment_speaker(s) != sp->speaker) {
        if (close_open(sp) != 0)
            return -ENOMEM;
        sp->speaker = td_segment_speaker(s);
        sp->turn_start = true;
        out->turns++;
    }
    if (out->text.len > 0 && td_buf_putc(&out->text, ' ') != 0)
        return -ENOMEM;
    if (sp->npieces == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 256;
        piece *v = realloc(sp->pieces, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        sp->pieces = v;
        sp->cap = cap;
    }
    piece *p = &sp->pieces[sp->npieces++];
    *p = (piece){ out->text.len, len, seg, td_segment_start(s), td_segment_end(s) };
    if (td_buf_append(&out->text, text, len) != 0)
        return -ENOMEM;
    return split_piece(sp, p);
}

int sentences_split(sentences *out, const td_doc *doc)
{
    splitter sp = { .out = out, .speaker = TD_NO_SPEAKER };
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        switch (td_segment_kind(s)) {
        case TD_SEG_HEADING:
            rc = close_open(&sp);
            break;
        case TD_SEG_EVENT:
            break;
        case TD_SEG_SPEECH:
            rc = add_speech(&sp, (uint32_t)i, s);
            break;
        }
    }
    if (rc == 0)
        rc = close_open(&sp);
    free(sp.pieces);
    return rc;
}

void sentences_free(sentences *s)
{
    td_buf_free(&s->text);
    free(s->v);
    memset(s, 0, sizeof(*s));
}
