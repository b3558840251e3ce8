/*
 * paragraphs.c - see paragraphs.h.
 */
#include "paragraphs.h"

#include "harness.h"
#include "internal.h"

#include <string.h>

/* "Name: " at the start of a line: one or two capitalised words. */
static size_t speaker_tag(const char *s, size_t len)
{
    size_t i = 0, words = 0;
    while (i < len && words < 3) {
        if (!(s[i] >= 'A' && s[i] <= 'Z'))
            return 0;
        while (i < len && s[i] != ' ' && s[i] != ':')
            i++;
        words++;
        if (i + 1 < len && s[i] == ':' && s[i + 1] == ' ')
            return i;
        if (i < len && s[i] == ' ')
            i++;
    }
    return 0;
}

/* A trailing " (h:mm:ss)" or " (m:ss)": its length, the time in *at. */
static size_t trailing_time(const char *s, size_t len, td_ms *at)
{
    if (len < 6 || s[len - 1] != ')')
        return 0;
    const char *open = NULL;
    for (size_t i = len - 1; i > 0; i--)
        if (s[i - 1] == '(') {
            open = s + i;
            break;
        }
    if (open == NULL || open < s + 2 || open[-2] != ' ')
        return 0;
    size_t n = td_time_parse(open, (size_t)(s + len - 1 - open), at);
    if (n == 0 || open + n != s + len - 1)
        return 0;
    return (size_t)(s + len - (open - 2));
}

size_t tp_add_paragraphs(td_doc *doc, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    size_t added = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        const char *line = p;
        p = nl ? nl + 1 : end;
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        if (n == 0)
            continue;
        td_ms at = TD_TIME_UNKNOWN;
        int speaker = TD_NO_SPEAKER;
        size_t tag = speaker_tag(line, n);
        size_t stamp = tag ? trailing_time(line, n, &at) : 0;
        if (stamp > 0) {
            speaker = td_doc_speaker(doc, line, tag);
            line += tag + 2;
            n -= tag + 2 + stamp;
        } else {
            at = TD_TIME_UNKNOWN;
        }
        assert_int_equal(td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, speaker,
                                            TD_SEG_SPEECH, line, n), 0);
        added++;
    }
    return added;
}

td_doc *tp_doc(const char *name, const char *text, size_t len)
{
    td_doc *doc = th_doc_bytes(name, text, len);
    tp_add_paragraphs(doc, text, len);
    return doc;
}

td_doc *tp_caption_doc(const char *name, const char *text, size_t len)
{
    td_doc *doc = th_doc_bytes(name, text, len);
    const char *p = text, *end = text + len;
    td_doc_set_format(doc, "captions");
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        const char *line = p;
        td_ms at;
        p = nl ? nl + 1 : end;
        size_t stamp = n ? td_time_parse(line, n, &at) : 0;
        if (stamp == 0) {
            if (n > 0 && td_doc_segment_count(doc) == 0 && td_doc_title(doc) == NULL)
                td_doc_set_title(doc, line, n);
            continue;
        }
        size_t count = td_doc_segment_count(doc);
        if (count > 0) {
            td_segment *prev = td_doc_segment(doc, count - 1);
            td_segment_set_times(prev, td_segment_start(prev), at);
        }
        while (stamp < n && line[stamp] == ' ')
            stamp++;
        assert_int_equal(td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                                            TD_SEG_SPEECH, line + stamp, n - stamp), 0);
    }
    return doc;
}

long tp_change(td_doc *doc, const char *plugin, const char *what)
{
    json_t *mine = json_object_get(td__doc_changes(doc), plugin);
    json_t *n = json_object_get(mine, what);
    return n ? (long)json_integer_value(n) : -1;
}
