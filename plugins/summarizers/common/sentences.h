/*
 * sentences.h - the sentences of a document, as the summarizers read them.
 *
 * Whatever the parser and cleaners left (one sentence per segment, turns
 * of many sentences, caption lines that cut sentences anywhere), this
 * joins the speech segments of each speaker turn and splits them again
 * into sentences: a sentence ends at '.', '?', '!' or '…' (with closing
 * quotes or brackets) followed by a space or the end of a segment, unless
 * a lower-case letter follows a '.' ("e.g. this"); a change of speaker or
 * a heading also ends it.  Text without punctuation (caption dumps) is cut
 * into windows of about SENTENCE_WINDOW words, as long sentences are.
 *
 * A sentence starts at the start time of its segment, moved forward in
 * proportion to its byte offset when the segment's end is known.
 */
#ifndef TD_SUMMARIZERS_SENTENCES_H
#define TD_SUMMARIZERS_SENTENCES_H

#include <stdbool.h>
#include <stdint.h>

#include <transcriptd/transcriptd.h>

/* Sentences longer than SENTENCE_LONG words are cut into windows. */
#define SENTENCE_LONG 60
#define SENTENCE_WINDOW 25

typedef struct sentence {
    uint32_t off, len;      /* its text in sentences.text */
    uint32_t words;
    uint32_t seg;           /* the segment it starts in */
    uint32_t turn;          /* 0, 1, ...: runs of speech by one speaker */
    td_ms start;            /* TD_TIME_UNKNOWN when the source has no times */
    int speaker;            /* TD_NO_SPEAKER when unknown */
    bool question;          /* ends with '?' */
    bool turn_start;        /* the first sentence of its turn */
} sentence;

typedef struct sentences {
    td_buf text;            /* the speech of the document, segments joined */
    sentence *v;
    size_t n, cap;
    size_t turns;
} sentences;

/* Fills out (zeroed by the caller).  0, or -ENOMEM. */
int sentences_split(sentences *out, const td_doc *doc);
void sentences_free(sentences *s);

/* The text of sentence i. */
static inline const char *sentence_text(const sentences *s, size_t i)
{
    return s->text.data + s->v[i].off;
}

#endif
