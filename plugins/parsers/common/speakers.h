/*
 * speakers.h - finding speakers with a ceiling.
 *
 * td_doc_speaker() looks a speaker up linearly, which is right for the
 * handful a transcript has.  A file that names thousands (fuzzed input, a
 * misread log) would make that quadratic, so parsers refuse it instead.
 */
#ifndef TD_PARSERS_SPEAKERS_H
#define TD_PARSERS_SPEAKERS_H

#include <transcriptd/transcriptd.h>

#include <errno.h>

#define SPEAKERS_MAX 500

/* The speaker's index, -E2BIG past SPEAKERS_MAX, or another negative errno. */
static inline int speaker_find(td_doc *doc, const char *id, size_t len)
{
    int sp = td_doc_speaker(doc, id, len);
    return sp >= SPEAKERS_MAX ? -E2BIG : sp;
}

/* The message for a failed speaker_find() or allocation. */
static inline int speaker_error(td_error *err, int rc)
{
    if (rc == -E2BIG)
        return td_error_set(err, "more than %d speakers: not a transcript",
                            SPEAKERS_MAX);
    return td_error_set(err, "out of memory");
}

#endif
