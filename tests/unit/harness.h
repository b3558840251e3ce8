/*
 * harness.h - helpers for unit tests of the library and of plugins.
 */
#ifndef TD_TEST_HARNESS_H
#define TD_TEST_HARNESS_H

#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <transcriptd/transcriptd.h>

/* A document from a C string (or bytes); fails the test if it cannot be made. */
td_doc *th_doc(const char *name, const char *text);
td_doc *th_doc_bytes(const char *name, const void *bytes, size_t len);

/*
 * Runs a plugin on doc the way the daemon does: init with the options given
 * as { "key", "value", ..., NULL }, run, remove dropped segments, fini.
 * Returns run()'s result; err gets the message.
 */
int th_run(const td_plugin *p, td_doc *doc, const char *const *opts, td_error *err);
/* The plugin's probe score for text. */
int th_probe(const td_plugin *p, const char *name, const char *text);

/* Reads tests/fixtures/REL (malloc'd, NUL-terminated); fails the test if absent. */
char *th_fixture(const char *rel, size_t *len);
/*
 * Reads the seed transcript whose name starts with prefix ("003") from
 * ../shared/corpus/seeds, or returns NULL when that folder is not there
 * (a user's clone): the caller then calls skip().
 */
char *th_seed(const char *prefix, size_t *len);

/*
 * Parses tests/fixtures/REL with the parser p (as th_run does) and checks
 * that run() returned expect_rc; err gets its message.  Free the document.
 */
td_doc *th_parse_fixture(const td_plugin *p, const char *rel, int expect_rc,
                         td_error *err);

/* The text of segment i (asserts it exists). */
const char *th_seg_text(const td_doc *doc, size_t i);

/* The number of segments of a kind. */
size_t th_count_kind(const td_doc *doc, td_seg_kind kind);

/* Exports doc with the exporter p into a fresh temporary folder; returns the
 * folder (malloc'd) after committing the outputs. */
char *th_export(const td_plugin *p, td_doc *doc, const char *const *opts);
/* Reads dir/name (malloc'd). */
char *th_read_file(const char *dir, const char *name, size_t *len);

#endif
