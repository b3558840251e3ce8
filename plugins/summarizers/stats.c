/*
 * stats.c - the figures of a transcript: duration, segments, words and
 * speaking rate.
 */
#include <transcriptd/transcriptd.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t words = 0, speech = 0;
    td_ms first = TD_TIME_UNKNOWN, last = TD_TIME_UNKNOWN;

    (void)state;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms start = td_segment_start(s), end = td_segment_end(s);
        if (start >= 0 && (first < 0 || start < first))
            first = start;
        if ((end >= 0 ? end : start) > last)
            last = end >= 0 ? end : start;
        if (td_segment_kind(s) != TD_SEG_SPEECH)
            continue;
        size_t len;
        const char *text = td_segment_text(s, &len);
        words += td_text_word_count(text, len);
        speech++;
    }

    json_t *stats = td_doc_stats(doc);
    double minutes = last > 0 ? last / 60000.0 : 0;
    int rc = json_object_set_new(stats, "duration",
                                 last >= 0 ? json_real(last / 1000.0) : json_null());
    rc |= json_object_set_new(stats, "segments", json_integer((json_int_t)speech));
    rc |= json_object_set_new(stats, "words", json_integer((json_int_t)words));
    rc |= json_object_set_new(stats, "words_per_minute",
                              minutes > 0 ? json_real(words / minutes) : json_null());
    return rc ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin stats = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "stats",
    .version = "1.0",
    .summary = "duration, segment and word counts, words per minute",
    .run = run,
};

TD_PLUGIN_DEFINE(stats)
