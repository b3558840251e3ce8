/*
 * sample_docs.h - documents for the exporter tests, built with the doc API,
 * and readers of the captions the exporters write.
 */
#ifndef TD_TEST_SAMPLE_DOCS_H
#define TD_TEST_SAMPLE_DOCS_H

#include "harness.h"

/*
 * A workshop: title and date with characters every format must escape,
 * speakers Ann and Bob, two chapters, a summary line, three key phrases,
 * an event, a heading from the source, and markup in the text.
 */
td_doc *sd_workshop(void);
/* A chat log: no times, no speakers, no summary; text that looks like markup. */
td_doc *sd_bare(void);
/* One segment per cue of a SubRip fixture (tests/fixtures/REL), with its times. */
td_doc *sd_from_srt(const char *rel);

/* A cue read back from SubRip or WebVTT text. */
typedef struct sd_cue {
    td_ms start, end;
    char text[512];         /* lines joined with '\n' */
    int lines;
} sd_cue;

/* Reads the cues of SubRip or WebVTT text (timing lines and the text
 * after them); returns how many, at most max. */
size_t sd_read_cues(const char *text, sd_cue *cues, size_t max);

/* Runs the exporter on doc and returns the text of out.EXT (malloc'd);
 * the temporary folder is removed. */
char *sd_export(const td_plugin *p, td_doc *doc, const char *const *opts,
                const char *ext);

/* The error init() gives for option key = value (fails the test if it
 * succeeds); the text lives until the next call. */
const char *sd_init_error(const td_plugin *p, const char *key, const char *value);

#endif
