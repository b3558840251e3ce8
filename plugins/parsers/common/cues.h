/*
 * cues.h - what SubRip and WebVTT share once a cue's timing is read: the
 * cue text (tags, entities, voices) and YouTube's rolling captions.
 *
 * A parser reads the file's own syntax and feeds each cue here with
 * cues_begin() and cues_add_line(); cues_emit() then makes the segments.
 * Everything is kept in a few growing arrays: no allocation per line.
 */
#ifndef TD_PARSERS_CUES_H
#define TD_PARSERS_CUES_H

#include <transcriptd/transcriptd.h>

typedef struct cue_line {
    size_t off, len;        /* the cleaned text, in cues.text */
    int speaker;            /* from a <v Name> voice, or TD_NO_SPEAKER */
} cue_line;

typedef struct cue {
    td_ms start, end;
    size_t first, count;    /* its lines, in cues.lines */
} cue;

typedef struct cues {
    td_buf text;
    cue *v;
    size_t n, cap;
    cue_line *lines;
    size_t nlines, cap_lines;
    bool inline_times;      /* saw <00:00:01.000> word times */
    int voice;              /* the voice of the cue being read */
} cues;

#define CUES_INIT { TD_BUF_INIT, NULL, 0, 0, NULL, 0, 0, false, TD_NO_SPEAKER }

/*
 * Reads "START --> END [settings]" at s.  Returns 0, or -1 when the line
 * is not a timing line; *why then says what is wrong.
 */
int cue_timing(const char *s, size_t len, td_ms *start, td_ms *end,
               const char **why);

/* Starts a cue.  0 or -ENOMEM. */
int cues_begin(cues *c, td_ms start, td_ms end);

/*
 * Adds one line of the current cue: tags removed (a <v Name> voice becomes
 * the line's speaker), HTML entities decoded, white space collapsed.
 * Empty results are not kept.  0 or a negative errno.
 */
int cues_add_line(cues *c, td_doc *doc, const char *s, size_t len);

/*
 * Makes the segments: one per cue, or per run of lines with one voice.
 * Rolling captions (each cue repeats the previous cue's last line) are
 * recognised, and every line then comes out once, at the cue that first
 * shows it.  A cue that is only "[Music]" is an event.  0 or -ENOMEM.
 */
int cues_emit(cues *c, td_doc *doc);

void cues_free(cues *c);

#endif
