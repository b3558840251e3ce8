/*
 * cues.h - captions re-cut from a document's segments into readable cues,
 * for the srt and vtt exporters.
 *
 * Rules, in order of priority:
 *   1. cues never overlap and always last longer than zero;
 *   2. a cue holds at most max_lines lines of about line_chars characters
 *      (a single word longer than a line is left whole);
 *   3. a cue lasts at most max_ms, and at least min_ms where the next cue
 *      leaves room;
 *   4. a segment that already is a readable cue (fits, min_ms..max_ms)
 *      becomes exactly one cue with its own times, so captions read from
 *      a caption file come back out with every time they had.
 * Longer segments are cut at word boundaries (after a sentence when one
 * ends near the cut) and their time is shared in proportion to the
 * characters.  A segment whose end is not known ends where the next one
 * starts, or after a reading time of ~15 characters a second.
 *
 * Compiled into each exporter that uses it; nothing here is exported.
 */
#ifndef TD_EXPORTERS_CUES_H
#define TD_EXPORTERS_CUES_H

#include <transcriptd/transcriptd.h>

typedef struct cue_limits {
    int line_chars;         /* characters per line (code points) */
    int max_lines;          /* 1 or 2 */
    td_ms min_ms, max_ms;
    bool label_turns;       /* start a speaker's turn with "Name: " */
} cue_limits;

typedef struct cue {
    td_ms start, end;
    int speaker;
    size_t off, len;        /* the text in cue_list.text: words, one space apart */
    size_t line2;           /* where the second line starts in the text, 0: one line */
} cue;

typedef struct cue_list {
    cue *v;
    size_t n, cap;
    td_buf text;
    size_t untimed;         /* segments left out: no start time */
} cue_list;

/*
 * Builds the cues of doc's speech and event segments (headings are not
 * captions).  Segments without a start are left out and counted in
 * list->untimed.  Returns 0 or -ENOMEM; free the list with cues_free()
 * either way.
 */
int cues_build(const td_doc *doc, const cue_limits *lim, cue_list *list);

/*
 * The options every caption exporter takes, as rows of its td_option table;
 * ext names its output in the help text.
 */
#define CUE_OPTIONS(ext)                                                           \
    { "line_length", TD_OPT_INT, "42", "characters per caption line" },            \
    { "lines", TD_OPT_INT, "2", "lines per cue, 1 or 2" },                         \
    { "min_duration", TD_OPT_DOUBLE, "1.0",                                        \
      "seconds a cue lasts at least, where the next leaves room" },                \
    { "max_duration", TD_OPT_DOUBLE, "7.0", "seconds a cue lasts at most" },       \
    { "untimed", TD_OPT_STRING, "fail",                                            \
      "a document without times: fail, or skip (no ." ext ", a warning)" }

/* Reads and checks the CUE_OPTIONS values.  0, or -1 with err set. */
int cue_options_read(const td_options *opts, cue_limits *lim, bool *skip_untimed,
                     td_error *err);
void cues_free(cue_list *list);

/* The cue's text (not NUL-terminated at line2 or len). */
static inline const char *cue_text(const cue_list *l, const cue *c)
{
    return l->text.data + c->off;
}

/* "hh:mm:ss,mmm" (SubRip: sep ',') or "hh:mm:ss.mmm" (WebVTT: sep '.'). */
const char *cue_time(td_ms ms, char sep, char buf[24]);

#endif
