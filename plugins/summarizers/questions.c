/*
 * questions.c - the questions asked, with who asked and when: show notes.
 *
 * The list goes to the document's meta section as "questions": an array
 * of { "start": seconds or null, "speaker": name or null, "text" }, in
 * the order they were asked.  What counts as a question is in
 * common/questions.h: sentences ending in '?', and in a chat each turn of
 * a participant.
 */
#include <transcriptd/transcriptd.h>

#include <stdlib.h>

#include "common/analysis.h"
#include "common/questions.h"

static const td_option options[] = {
    { "min_words", TD_OPT_INT, "3", "shorter questions (\"Right?\") are left out" },
    { NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    long long min = td_opt_int(opts, "min_words");
    if (min < 1)
        return td_error_set(err, "min_words must be positive");
    /* The only state is a number: keep it in the pointer. */
    *state = (void *)(intptr_t)min;
    return 0;
}

static json_t *question_json(const td_doc *doc, const question *q)
{
    const char *name = q->speaker >= 0 ? td_doc_speaker_name(doc, q->speaker) : NULL;
    json_t *text = json_stringn(q->text, q->len);
    if (text == NULL)
        return NULL;
    return json_pack("{s:o, s:o, s:o}",
                     "start", q->start >= 0 ? json_real(q->start / 1000.0) : json_null(),
                     "speaker", name ? json_string(name) : json_null(),
                     "text", text);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t min_words = (size_t)(intptr_t)state;
    const sentences *ss = analysis_sentences(doc);
    question *q = NULL;
    long n = ss ? questions_find(doc, ss, min_words, &q) : -1;
    json_t *list = json_array();

    if (list == NULL)
        n = -1;
    for (long i = 0; i < n; i++)
        if (json_array_append_new(list, question_json(doc, &q[i])) != 0)
            n = -1;
    if (n >= 0) {
        /* json_object_set_new() takes the list even when it fails. */
        if (json_object_set_new(td_doc_meta(doc), "questions", list) != 0)
            n = -1;
        list = NULL;
    }
    json_decref(list);
    free(q);
    if (n < 0)
        return td_error_set(err, "out of memory");
    td_doc_count_change(doc, "questions", n);
    return 0;
}

static const td_plugin questions = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "questions",
    .version = "1.0",
    .summary = "the questions asked, with speaker and time, in meta.questions",
    .options = options,
    .init = init,
    .run = run,
};

TD_PLUGIN_DEFINE(questions)
