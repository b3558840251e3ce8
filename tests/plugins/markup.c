/*
 * markup.c - a summarizer for the end-to-end tests of exporters: it turns
 * markup written in caption fixtures into what parsers and summarizers
 * would give a real document, so that a plain caption file can carry
 * speakers, chapters, a summary and events through the real binary.
 *
 *   0:05 Ann: text       the segment is Ann's, and so are those after it
 *   0:05 == Title ==     a chapter starting at 0:05 (segment removed)
 *   0:05 Summary: text   a summary sentence (segment removed)
 *   0:05 Keywords: a, b  key phrases (segment removed)
 *   0:05 Date: text      the document's date (segment removed)
 *   0:05 [laughter]      an event with that label
 *   0:00 Times: none     every segment loses its times (a chat log)
 */
#include <transcriptd/transcriptd.h>

#include <stdio.h>
#include <string.h>

static bool starts(const char *t, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(t, prefix, n) == 0;
}

/* "Name: " at the start: a capitalised word of letters. */
static size_t speaker_tag(const char *t, size_t len)
{
    size_t i = 0;
    if (len == 0 || t[0] < 'A' || t[0] > 'Z')
        return 0;
    while (i < len && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z')))
        i++;
    return i + 1 < len && t[i] == ':' && t[i + 1] == ' ' ? i : 0;
}

static void keywords(td_doc *doc, const char *t, size_t len)
{
    double score = 1.0;
    while (len > 0) {
        const char *comma = memchr(t, ',', len);
        size_t n = comma ? (size_t)(comma - t) : len;
        td_doc_add_keyword(doc, t, n, score);
        score /= 2;
        n += comma ? 1 : 0;
        t += n;
        len -= n;
        while (len > 0 && *t == ' ')
            t++, len--;
    }
}

static int markup(td_doc *doc, td_segment *s, int *speaker)
{
    size_t len, n;
    const char *t = td_segment_text(s, &len);
    td_ms at = td_segment_start(s);

    /* An event the parser found ("[Music]") is no one's. */
    if (td_segment_kind(s) == TD_SEG_EVENT)
        return 0;
    if (starts(t, len, "== ") && len > 6 && !strcmp(t + len - 3, " ==")) {
        td_segment_drop(s);
        return td_doc_add_chapter(doc, at, t + 3, len - 6);
    }
    if (starts(t, len, "Summary: ")) {
        td_segment_drop(s);
        return td_doc_add_summary(doc, at, *speaker, t + 9, len - 9);
    }
    if (starts(t, len, "Keywords: ")) {
        td_segment_drop(s);
        keywords(doc, t + 10, len - 10);
        return 0;
    }
    if (starts(t, len, "Date: ")) {
        td_segment_drop(s);
        return td_doc_set_date(doc, t + 6, len - 6);
    }
    if (starts(t, len, "Times: none")) {
        td_segment_drop(s);
        for (size_t i = 0; i < td_doc_segment_count(doc); i++)
            td_segment_set_times(td_doc_segment(doc, i), TD_TIME_UNKNOWN, TD_TIME_UNKNOWN);
        return 0;
    }
    if (len > 2 && t[0] == '[' && t[len - 1] == ']') {
        td_segment_set_kind(s, TD_SEG_EVENT);
        td_segment_set_speaker(s, TD_NO_SPEAKER);
        char label[64];
        snprintf(label, sizeof(label), "%.*s", (int)(len - 2), t + 1);
        td_segment_set_label(doc, s, label);
        return td_segment_set_text(doc, s, "", 0);
    }
    if ((n = speaker_tag(t, len)) > 0) {
        *speaker = td_doc_speaker(doc, t, n);
        if (*speaker < 0)
            return *speaker;
        td_segment_set_speaker(s, *speaker);
        return td_segment_set_text(doc, s, t + n + 2, len - n - 2);
    }
    td_segment_set_speaker(s, *speaker);
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    int speaker = TD_NO_SPEAKER;
    (void)state;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++)
        if (markup(doc, td_doc_segment(doc, i), &speaker) != 0)
            return td_error_set(err, "out of memory");
    return 0;
}

static const td_plugin markup_plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "markup",
    .version = "test",
    .summary = "test only: speakers, chapters and summary from markup in fixtures",
    .run = run,
};

TD_PLUGIN_DEFINE(markup_plugin)
