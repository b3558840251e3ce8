/*
 * turns_doc.h - documents made of "Name: text (h:mm:ss)" paragraphs, as a
 * podcast page prints its transcript, for the summarizer tests.
 *
 * A line of that form is a speech segment of Name starting at the time; a
 * line without it after the first turn is a heading; before the first
 * turn, the line before one starting "Season" is the title.  [bracketed]
 * stage directions are left out, as the cleaners do.
 */
#ifndef TD_TEST_TURNS_DOC_H
#define TD_TEST_TURNS_DOC_H

#include "harness.h"

/* The document; headings become TD_SEG_HEADING segments when asked. */
td_doc *turns_doc(const char *name, const char *text, bool headings);

#endif
