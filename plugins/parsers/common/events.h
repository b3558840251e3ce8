/*
 * events.h - non-speech marks such as "[Music]" or "(applause)" that
 * caption tools write on a line or cue of their own.
 */
#ifndef TD_PARSERS_EVENTS_H
#define TD_PARSERS_EVENTS_H

#include <transcriptd/transcriptd.h>

#include <string.h>

/* Longer brackets are speech that happens to be bracketed, not a mark. */
#define EVENT_MAX_LEN 48

/*
 * Whether s is one bracketed mark and nothing else: "[Music]",
 * "[ Laughter ]", "(applause)".  *inner gets what is inside, trimmed.
 */
static inline bool event_mark(const char *s, size_t len, const char **inner,
                              size_t *inner_len)
{
    if (len < 3 || len > EVENT_MAX_LEN)
        return false;
    char open = s[0], close = s[len - 1];
    if (!((open == '[' && close == ']') || (open == '(' && close == ')')))
        return false;
    const char *in = s + 1;
    size_t n = len - 2;
    if (memchr(in, open, n) || memchr(in, close, n))
        return false;
    while (n > 0 && (*in == ' ' || *in == '\t')) {
        in++;
        n--;
    }
    while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
        n--;
    if (n == 0)
        return false;
    *inner = in;
    *inner_len = n;
    return true;
}

/*
 * Adds an event segment whose text is the mark's words and whose label is
 * the same words in lower case ("music"), so that cleaners and exporters
 * can tell music from laughter without parsing brackets again.
 */
static inline int event_add(td_doc *doc, td_ms start, td_ms end, int speaker,
                            const char *inner, size_t len)
{
    char label[EVENT_MAX_LEN];
    size_t i;

    for (i = 0; i < len && i < sizeof(label) - 1; i++)
        label[i] = (inner[i] >= 'A' && inner[i] <= 'Z') ? (char)(inner[i] + 32)
                                                        : inner[i];
    label[i] = '\0';
    int rc = td_doc_add_segment(doc, start, end, speaker, TD_SEG_EVENT, inner, len);
    if (rc != 0)
        return rc;
    td_segment *seg = td_doc_segment(doc, td_doc_segment_count(doc) - 1);
    return td_segment_set_label(doc, seg, label);
}

#endif
