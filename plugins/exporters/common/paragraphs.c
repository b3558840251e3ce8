/*
 * paragraphs.c - see paragraphs.h.
 */
#include "paragraphs.h"

#include "event_text.h"

#include <errno.h>
#include <string.h>

void blocks_begin(block_iter *it, const td_doc *doc)
{
    *it = (block_iter){ .doc = doc };
}

bool chapter_placed(const td_doc *doc, size_t chapter)
{
    return td_doc_chapter_start(doc, chapter) >= 0;
}

/* Skips chapters that have no start: they cannot be placed. */
static void skip_unplaced(block_iter *it)
{
    size_t n = td_doc_chapter_count(it->doc);
    while (it->chapter < n && !chapter_placed(it->doc, it->chapter))
        it->chapter++;
}

/* Is the next chapter due before a segment starting at `start`? */
static bool chapter_due(block_iter *it, td_ms start)
{
    skip_unplaced(it);
    if (it->chapter >= td_doc_chapter_count(it->doc))
        return false;
    /* Past the last segment every remaining chapter is due. */
    if (it->seg >= td_doc_segment_count(it->doc))
        return true;
    return start >= 0 && td_doc_chapter_start(it->doc, it->chapter) <= start;
}

static bool ends_sentence(const td_segment *s)
{
    size_t len;
    const char *t = td_segment_text(s, &len);
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\n' ||
                       t[len - 1] == '"' || t[len - 1] == '\'' || t[len - 1] == ')'))
        len--;
    return len > 0 && strchr(".?!", t[len - 1]) != NULL;
}

static void paragraph(block_iter *it, block *b)
{
    const td_doc *doc = it->doc;
    size_t n = td_doc_segment_count(doc), bytes = 0;
    const td_segment *s = td_doc_segment(doc, it->seg);

    *b = (block){ .kind = BLOCK_PARAGRAPH, .first = it->seg,
                  .speaker = td_segment_speaker(s), .start = TD_TIME_UNKNOWN };
    while (it->seg < n) {
        s = td_doc_segment(doc, it->seg);
        if (td_segment_kind(s) == TD_SEG_HEADING ||
            td_segment_speaker(s) != b->speaker)
            break;
        if (it->seg > b->first && chapter_due(it, td_segment_start(s)))
            break;
        size_t len;
        td_segment_text(s, &len);
        if (b->start < 0)
            b->start = td_segment_start(s);
        bytes += len + 1;
        it->seg++;
        if (bytes >= PARA_HARD_BYTES || (bytes >= PARA_SOFT_BYTES && ends_sentence(s)))
            break;
    }
    b->end = it->seg;
}

bool blocks_next(block_iter *it, block *b)
{
    const td_doc *doc = it->doc;
    size_t n = td_doc_segment_count(doc);
    const td_segment *s = it->seg < n ? td_doc_segment(doc, it->seg) : NULL;

    if (chapter_due(it, s ? td_segment_start(s) : TD_TIME_UNKNOWN)) {
        *b = (block){ .kind = BLOCK_CHAPTER, .chapter = it->chapter,
                      .start = td_doc_chapter_start(doc, it->chapter),
                      .speaker = TD_NO_SPEAKER };
        it->chapter++;
        return true;
    }
    if (s == NULL)
        return false;
    if (td_segment_kind(s) == TD_SEG_HEADING) {
        *b = (block){ .kind = BLOCK_HEADING, .first = it->seg, .end = it->seg + 1,
                      .start = td_segment_start(s), .speaker = TD_NO_SPEAKER };
        it->seg++;
        return true;
    }
    paragraph(it, b);
    return true;
}

int block_text(const td_doc *doc, const block *b, td_buf *out)
{
    size_t from = out->len;
    for (size_t i = b->first; i < b->end; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        size_t len;
        bool brackets = false;
        const char *t = td_segment_kind(s) == TD_SEG_EVENT
                        ? event_text(s, &len, &brackets) : td_segment_text(s, &len);
        int rc = out->len > from && len > 0 ? td_buf_putc(out, ' ') : 0;
        rc |= brackets ? td_buf_putc(out, '[') : 0;
        rc |= len > 0 ? td_buf_append(out, t, len) : 0;
        rc |= brackets ? td_buf_putc(out, ']') : 0;
        if (rc != 0)
            return -ENOMEM;
    }
    if (out->data == NULL && td_buf_append(out, "", 0) != 0)
        return -ENOMEM;
    out->len = from + td_text_squeeze(out->data + from, out->len - from);
    out->data[out->len] = '\0';
    return 0;
}

const char *clock_time(td_ms ms, char buf[24])
{
    return td_time_format(ms, false, buf);
}

td_ms doc_duration(td_doc *doc)
{
    json_t *d = json_object_get(td_doc_stats(doc), "duration");
    if (json_is_number(d) && json_number_value(d) >= 0)
        return (td_ms)(json_number_value(d) * 1000.0 + 0.5);
    td_ms last = TD_TIME_UNKNOWN;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms t = td_segment_end(s) >= 0 ? td_segment_end(s) : td_segment_start(s);
        if (t > last)
            last = t;
    }
    return last;
}

const char *speaker_name(const td_doc *doc, int speaker)
{
    return speaker == TD_NO_SPEAKER ? NULL : td_doc_speaker_name(doc, speaker);
}
