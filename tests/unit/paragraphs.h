/*
 * paragraphs.h - documents for cleaner tests, built without a parser.
 *
 * Each non-blank line becomes a segment.  "Name: text (h:mm:ss)" lines
 * (the podcast page layout) become speech of speaker Name at that time;
 * other lines become speech with no speaker and no time, the way a parser
 * hands on a page's furniture and headings.
 */
#ifndef TD_TEST_PARAGRAPHS_H
#define TD_TEST_PARAGRAPHS_H

#include <transcriptd/transcriptd.h>

/* Adds the segments of text to doc; returns how many it added. */
size_t tp_add_paragraphs(td_doc *doc, const char *text, size_t len);

/* A document (named name) holding the paragraphs of text. */
td_doc *tp_doc(const char *name, const char *text, size_t len);

/*
 * A document of caption lines, "m:ss text" each, the way the captions
 * parser makes it: format "captions", a title from a line before the first
 * time, each line a segment ending where the next begins.
 */
td_doc *tp_caption_doc(const char *name, const char *text, size_t len);

/* The count plugin recorded under what, or -1 when it recorded none. */
long tp_change(td_doc *doc, const char *plugin, const char *what);

#endif
