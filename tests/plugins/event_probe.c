/*
 * A summarizer for the bus tests: gives the segments two speakers in turn
 * (Ann, Ben), makes every segment a summary sentence and its first word a
 * keyword, so that transcript.done has more of each than it may carry.
 */
#include <transcriptd/transcriptd.h>

#include <string.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    int ann = td_doc_speaker(doc, "A", 1), ben = td_doc_speaker(doc, "B", 1);

    (void)state;
    if (ann < 0 || ben < 0 || td_doc_speaker_set_name(doc, ann, "Ann", 3) ||
        td_doc_speaker_set_name(doc, ben, "Ben", 3))
        return td_error_set(err, "out of memory");
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *s = td_doc_segment(doc, i);
        int who = i % 2 ? ben : ann;
        size_t len;
        const char *text = td_segment_text(s, &len);
        size_t word = strcspn(text, " ");
        td_segment_set_speaker(s, who);
        if (td_doc_add_summary(doc, td_segment_start(s), who, text, len) ||
            td_doc_add_keyword(doc, text, word < len ? word : len, 1.0 / (double)(i + 1)))
            return td_error_set(err, "out of memory");
    }
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "event_probe",
    .version = "0",
    .summary = "speakers, summary and keywords for the bus tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
