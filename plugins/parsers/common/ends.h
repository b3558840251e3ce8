/*
 * ends.h - "a segment ends where the next begins", for sources that give
 * start times only.
 */
#ifndef TD_PARSERS_ENDS_H
#define TD_PARSERS_ENDS_H

#include <transcriptd/transcriptd.h>

/*
 * Gives every segment from first on whose end is unknown the start of the
 * next segment that starts later.  Segments that share a start (a stamp
 * repeated on two lines) share that end too, so none is empty; when the
 * next stamp goes back in time the end stays unknown rather than before
 * the start.  Linear: each run of equal starts is visited once.
 */
static inline void fill_ends(td_doc *doc, size_t first)
{
    size_t n = td_doc_segment_count(doc), i = first;

    td_ms next = n > first ? td_segment_start(td_doc_segment(doc, first)) : 0;

    while (i < n) {
        td_ms start = next;
        size_t j = i + 1;
        while (j < n && (next = td_segment_start(td_doc_segment(doc, j))) == start)
            j++;
        if (j == n)
            next = TD_TIME_UNKNOWN;
        td_ms end = start >= 0 && next > start ? next : TD_TIME_UNKNOWN;
        for (; i < j; i++) {
            td_segment *seg = td_doc_segment(doc, i);
            if (td_segment_end(seg) == TD_TIME_UNKNOWN)
                td_segment_set_times(seg, start, end);
        }
    }
}

#endif
