/*
 * paragraphs.h - the reading order of a document for exporters that show
 * it as prose (markdown, text, html): chapter headings where chapters
 * start, headings found in the source, and speaker paragraphs.
 *
 * Compiled into each exporter that uses it; nothing here is exported from
 * the plugin (hidden visibility), so the names need no td_ prefix.
 */
#ifndef TD_EXPORTERS_PARAGRAPHS_H
#define TD_EXPORTERS_PARAGRAPHS_H

#include <transcriptd/transcriptd.h>

typedef enum block_kind {
    BLOCK_CHAPTER,      /* chapter `chapter` starts here */
    BLOCK_HEADING,      /* segment `first` is a heading from the source */
    BLOCK_PARAGRAPH     /* segments [first, end) of one speaker */
} block_kind;

typedef struct block {
    block_kind kind;
    size_t chapter;
    size_t first, end;
    int speaker;        /* paragraphs: the speaker or TD_NO_SPEAKER */
    td_ms start;        /* the first known start in the block, or TD_TIME_UNKNOWN */
} block;

typedef struct block_iter {
    const td_doc *doc;
    size_t seg;         /* next segment */
    size_t chapter;     /* next chapter to place */
} block_iter;

/*
 * A paragraph ends where the speaker changes, a chapter starts or a heading
 * comes; past PARA_SOFT_BYTES it also ends after a sentence, and past
 * PARA_HARD_BYTES after any segment, so that caption dumps without
 * speakers or punctuation still read as paragraphs.
 */
#define PARA_SOFT_BYTES 600
#define PARA_HARD_BYTES 1200

void blocks_begin(block_iter *it, const td_doc *doc);
/*
 * The next block, in reading order; false at the end.  Chapters with a
 * known start come before the first segment that starts at or after them
 * (those that start after the last segment come at the end); chapters
 * without a start are never placed: chapter_placed() tells.
 */
bool blocks_next(block_iter *it, block *b);
bool chapter_placed(const td_doc *doc, size_t chapter);

/*
 * Appends the text of segments [first, end) to out: joined by one space,
 * white space squeezed, events in brackets (event_text.h).
 * Returns 0 or -ENOMEM.
 */
int block_text(const td_doc *doc, const block *b, td_buf *out);

/* "h:mm:ss" of ms into buf (24 bytes); "" when unknown. */
const char *clock_time(td_ms ms, char buf[24]);

/*
 * How long the recording is: the stats summarizer's duration when there is
 * one, else the latest end (or start) of a segment; TD_TIME_UNKNOWN when
 * nothing has a time.
 */
td_ms doc_duration(td_doc *doc);

/* The speaker's display name, or NULL for TD_NO_SPEAKER. */
const char *speaker_name(const td_doc *doc, int speaker);

#endif
