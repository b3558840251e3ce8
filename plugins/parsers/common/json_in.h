/*
 * json_in.h - reading the JSON transcript formats with jansson.
 */
#ifndef TD_PARSERS_JSON_IN_H
#define TD_PARSERS_JSON_IN_H

#include <transcriptd/transcriptd.h>

/* Longer than this is not a recording: a number that big is garbage. */
#define JSON_IN_MAX_SECONDS 1e9

/*
 * Parses the document's text.  jansson stops at a nesting depth of 2048
 * (JSON_PARSER_MAX_DEPTH), so deep input fails cleanly instead of
 * exhausting the stack.  On failure returns NULL with err saying where.
 */
json_t *json_in_load(td_doc *doc, const char *format, td_error *err);

/*
 * A time in seconds (an integer or a real, 0 to JSON_IN_MAX_SECONDS) as
 * milliseconds.  Returns 0, or -1 when v is not such a number.
 */
int json_in_seconds(const json_t *v, td_ms *out);

/*
 * Whether the text looks like a JSON object or array that mentions every
 * one of the quoted keys (NULL-terminated list) anywhere: a probe that
 * does not parse.  The whole text is searched, since Whisper writes the
 * full transcript as "text" before "segments".
 */
bool json_in_mentions(const char *text, size_t len, char open,
                      const char *const *keys);

#endif
