/*
 * transcriptd/doc.h - the document every plugin reads and writes.
 *
 * One td_doc holds one transcript as it moves through the chain: the source
 * (its name, id and decoded text), what the parser found (format, title,
 * speakers, timed segments), what cleaners changed, and what summarizers
 * added (chapters, summary, keywords, stats).  Plugins reach it only through
 * these functions, so its layout can change without breaking plugins.
 *
 * Memory: strings stored in a document live in an arena owned by the
 * document and are freed with it in one call.  Setters copy their input.
 *
 * Threads: a document is used by one thread at a time.  Different documents
 * may be processed at once by the same plugin.
 *
 * Return values: functions that can fail return 0 on success and a negative
 * errno (-ENOMEM, -EINVAL) on failure, as libuv does.
 */
#ifndef TRANSCRIPTD_DOC_H
#define TRANSCRIPTD_DOC_H

#include <transcriptd/common.h>
#include <transcriptd/text.h>
#include <jansson.h>

TD_BEGIN_DECLS

typedef struct td_doc td_doc;
typedef struct td_segment td_segment;

/* What a segment holds. */
typedef enum td_seg_kind {
    TD_SEG_SPEECH = 0,   /* words somebody said */
    TD_SEG_EVENT = 1,    /* non-speech: laughter, music, cross-talk (see label) */
    TD_SEG_HEADING = 2   /* a section heading found in the source */
} td_seg_kind;

/* A segment with no known speaker. */
#define TD_NO_SPEAKER (-1)

/* ---- life cycle (the core and tools; plugins never call these) ---------- */

/*
 * NAME
 *   td_doc_new - make a document from the raw bytes of a file.
 *
 * DESCRIPTION
 *   Copies and decodes the bytes (see td_decode() in text.h): the text that
 *   parsers read is UTF-8 with LF line ends and no NUL bytes.  The id is the
 *   XXH3-64 of the raw bytes in 16 hex digits.
 *
 * RETURN VALUE
 *   The document, or NULL with err set when the bytes cannot be a
 *   transcript (empty, binary) or memory ran out.
 */
TD_API td_doc *td_doc_new(const char *name, const void *bytes, size_t len,
                          td_error *err);
TD_API void td_doc_free(td_doc *doc);

/* ---- source ------------------------------------------------------------- */

TD_API const char *td_doc_source_name(const td_doc *doc);
TD_API const char *td_doc_source_id(const td_doc *doc);
TD_API size_t td_doc_source_size(const td_doc *doc);
/* The decoded text; *len (if not NULL) gets its length in bytes. */
TD_API const char *td_doc_text(const td_doc *doc, size_t *len);

/* ---- what the document is ----------------------------------------------- */

/* The format name ("captions", "srt", ...); the core sets the parser's name
 * before the parser runs, a parser may refine it. */
TD_API int td_doc_set_format(td_doc *doc, const char *format);
TD_API const char *td_doc_format(const td_doc *doc);
TD_API int td_doc_set_title(td_doc *doc, const char *title, size_t len);
TD_API const char *td_doc_title(const td_doc *doc);       /* NULL if none */
/* The date as given by the source, ideally ISO 8601. */
TD_API int td_doc_set_date(td_doc *doc, const char *date, size_t len);
TD_API const char *td_doc_date(const td_doc *doc);        /* NULL if none */

/* ---- speakers ----------------------------------------------------------- */

/*
 * NAME
 *   td_doc_speaker - find or add a speaker by the id the source uses.
 *
 * DESCRIPTION
 *   The id is the tag in the source ("S", "P1", "Alexey").  A new speaker's
 *   display name is its id until td_doc_speaker_set_name() changes it.
 *
 * RETURN VALUE
 *   The speaker's index (0, 1, ...), or a negative errno.
 */
TD_API int td_doc_speaker(td_doc *doc, const char *id, size_t len);
TD_API int td_doc_speaker_set_name(td_doc *doc, int speaker,
                                   const char *name, size_t len);
TD_API size_t td_doc_speaker_count(const td_doc *doc);
TD_API const char *td_doc_speaker_id(const td_doc *doc, int speaker);
TD_API const char *td_doc_speaker_name(const td_doc *doc, int speaker);

/* ---- segments ----------------------------------------------------------- */

/*
 * NAME
 *   td_doc_add_segment - append a segment.
 *
 * DESCRIPTION
 *   start and end are milliseconds or TD_TIME_UNKNOWN; speaker is an index
 *   from td_doc_speaker() or TD_NO_SPEAKER.  The text is copied.  Pointers
 *   returned by td_doc_segment() are invalid after this call.
 */
TD_API int td_doc_add_segment(td_doc *doc, td_ms start, td_ms end, int speaker,
                              td_seg_kind kind, const char *text, size_t len);
TD_API size_t td_doc_segment_count(const td_doc *doc);
/* The i-th segment; valid until segments are added or removed. */
TD_API td_segment *td_doc_segment(const td_doc *doc, size_t i);
/*
 * Removes count segments from first on, keeping the order of the rest.  A
 * plugin that rebuilds the list appends the new segments after the old
 * ones, then removes the old ones with one call: linear in the list.
 */
TD_API int td_doc_remove_segments(td_doc *doc, size_t first, size_t count);

TD_API td_ms td_segment_start(const td_segment *seg);
TD_API td_ms td_segment_end(const td_segment *seg);
TD_API int td_segment_speaker(const td_segment *seg);
TD_API td_seg_kind td_segment_kind(const td_segment *seg);
TD_API const char *td_segment_text(const td_segment *seg, size_t *len);
/* For events: what kind ("laughter", "music"); NULL when not set. */
TD_API const char *td_segment_label(const td_segment *seg);

TD_API void td_segment_set_times(td_segment *seg, td_ms start, td_ms end);
TD_API void td_segment_set_speaker(td_segment *seg, int speaker);
TD_API void td_segment_set_kind(td_segment *seg, td_seg_kind kind);
TD_API int td_segment_set_text(td_doc *doc, td_segment *seg,
                               const char *text, size_t len);
TD_API int td_segment_set_label(td_doc *doc, td_segment *seg, const char *label);
/*
 * Marks a segment for removal.  The core removes marked segments after the
 * plugin returns, so indexes stay valid while the plugin iterates.
 */
TD_API void td_segment_drop(td_segment *seg);
TD_API bool td_segment_dropped(const td_segment *seg);

/* ---- chapters and summary ------------------------------------------------ */

TD_API int td_doc_add_chapter(td_doc *doc, td_ms start, const char *title,
                              size_t len);
TD_API size_t td_doc_chapter_count(const td_doc *doc);
TD_API td_ms td_doc_chapter_start(const td_doc *doc, size_t i);
TD_API const char *td_doc_chapter_title(const td_doc *doc, size_t i);
/* Removes every chapter (a summarizer that replaces the parser's). */
TD_API void td_doc_clear_chapters(td_doc *doc);

/* A summary sentence, in the order the summarizer wants them shown. */
TD_API int td_doc_add_summary(td_doc *doc, td_ms start, int speaker,
                              const char *text, size_t len);
TD_API size_t td_doc_summary_count(const td_doc *doc);
TD_API const char *td_doc_summary_text(const td_doc *doc, size_t i);
TD_API td_ms td_doc_summary_start(const td_doc *doc, size_t i);
TD_API int td_doc_summary_speaker(const td_doc *doc, size_t i);

TD_API int td_doc_add_keyword(td_doc *doc, const char *phrase, size_t len,
                              double score);
TD_API size_t td_doc_keyword_count(const td_doc *doc);
TD_API const char *td_doc_keyword(const td_doc *doc, size_t i, double *score);

/* ---- open-ended sections -------------------------------------------------- */

/*
 * The "stats" and "meta" objects of the document (borrowed references, never
 * NULL).  Summarizers put their figures in stats; parsers put what else the
 * source says (description, links, season, guests) in meta.  Both appear in
 * the JSON export as they are.
 */
TD_API json_t *td_doc_stats(td_doc *doc);
TD_API json_t *td_doc_meta(td_doc *doc);

/*
 * NAME
 *   td_doc_count_change - record that the running plugin changed something.
 *
 * DESCRIPTION
 *   Adds n to the counter `what` of the plugin now running (the core knows
 *   which), shown under "changes" in the JSON export and by
 *   `transcriptd process --explain`.  Cleaners record every kind of change.
 */
TD_API int td_doc_count_change(td_doc *doc, const char *what, long n);

/* Adds a warning (invalid bytes replaced, a line skipped) to the document. */
TD_API int td_doc_warn(td_doc *doc, const char *fmt, ...) TD_PRINTF(2, 3);
TD_API size_t td_doc_warning_count(const td_doc *doc);

/* ---- memory ---------------------------------------------------------------- */

/* Memory that lives as long as the document (no free). NULL when out of memory. */
TD_API void *td_doc_alloc(td_doc *doc, size_t size);
TD_API char *td_doc_strndup(td_doc *doc, const char *s, size_t len);

/*
 * NAME
 *   td_doc_attach, td_doc_attached - keep derived data with a document.
 *
 * DESCRIPTION
 *   Plugins that derive the same thing from a document (the summarizers
 *   all split it into sentences and stem its words) can do it once:
 *   td_doc_attach() keeps data under key until the document is freed or
 *   the same key is attached again, and then calls free_fn(data) when
 *   free_fn is not NULL.  td_doc_attached() returns the data under key,
 *   or NULL.  The key (copied) should name the data's layout and what it
 *   was made with, since plugins built apart may read it.  The core does
 *   not know what the data was derived from: a plugin that reads it
 *   checks that it still matches the document.  free_fn runs from
 *   td_doc_free(), which the core calls before it unloads any plugin.
 *
 * RETURN VALUE
 *   td_doc_attach(): 0, or -ENOMEM after calling free_fn(data).
 */
TD_API int td_doc_attach(td_doc *doc, const char *key, void *data,
                         void (*free_fn)(void *));
TD_API void *td_doc_attached(const td_doc *doc, const char *key);

/* ---- export ------------------------------------------------------------------ */

/*
 * NAME
 *   td_doc_to_json - the whole document as the "transcriptd/1" JSON object.
 *
 * RETURN VALUE
 *   A new reference, or NULL when out of memory.  docs/document.md describes
 *   every field.
 */
TD_API json_t *td_doc_to_json(const td_doc *doc);

/*
 * NAME
 *   td_doc_dump_json - the same JSON, appended to a buffer as text.
 *
 * DESCRIPTION
 *   indent is the number of spaces per level, 0 for one line.  Much
 *   cheaper than td_doc_to_json() for large documents.
 *
 * RETURN VALUE
 *   0, -ENOMEM, or -EILSEQ when a plugin left invalid UTF-8 in the
 *   document (nothing usable is written then).
 */
TD_API int td_doc_dump_json(const td_doc *doc, int indent, td_buf *out);

/* ---- limits ---------------------------------------------------------------- */

/*
 * NAME
 *   td_doc_expired - whether the document has run out of time.
 *
 * DESCRIPTION
 *   True once the time the daemon allows one document ([daemon]
 *   job_timeout, counted from when a worker started reading the file)
 *   has passed.  A plugin whose run() can take long on a large or odd
 *   input checks it now and then (every few thousand segments: it reads
 *   a clock) and returns early; the document then fails as "timed out
 *   after N s", whatever run() returns.
 *
 *   The limit is cooperative: the core checks it between stages, so a
 *   plugin that never checks is stopped only when its run() returns.  Only
 *   [daemon] isolation = process can stop a plugin that hangs.
 *
 * RETURN VALUE
 *   true or false; always false when there is no limit (job_timeout = 0,
 *   `transcriptd process`, tests).
 */
TD_API bool td_doc_expired(const td_doc *doc);

/* The schema name and version written in every JSON export. */
#define TD_DOC_SCHEMA "transcriptd/1"

TD_END_DECLS

#endif
