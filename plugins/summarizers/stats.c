/*
 * stats.c - the figures of a transcript: duration, segments, words, turns,
 * questions and speaking rate; for each speaker words, talk time, share of
 * the talk, turns, rate and questions asked; non-speech events by kind.
 *
 * A turn is a run of speech segments of one speaker (events and headings
 * between them do not end it).  Its talk time runs from its start to the
 * end of its last segment, or to the next turn's start when segments have
 * no end; a last segment with neither lasts its words at the transcript's
 * own pace.
 * Shares are of talk time, or of words when the source has no times, in
 * tenths of a percent that add up to exactly 100.  Words are counted in
 * the sentences the summarizers share (common/sentences.h).
 */
#include <transcriptd/transcriptd.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/analysis.h"
#include "common/questions.h"

/* What one speaker (or the unattributed speech, slot 0) adds up to. */
typedef struct tally {
    size_t words, turns, questions;
    td_ms talk;
    bool timed;
    int tenths;             /* share, in tenths of a percent */
} tally;

typedef struct figures {
    tally *who;             /* speaker + 1 */
    size_t nwho;
    size_t words, segments, turns, questions;
    td_ms last;             /* the latest time in the transcript */
    json_t *events;
} figures;

static tally *slot(figures *f, int speaker)
{
    size_t i = speaker < 0 ? 0 : (size_t)speaker + 1;
    return i < f->nwho ? &f->who[i] : &f->who[0];
}

/*
 * The words of every segment (of the sentences that start in it), and the
 * transcript's pace in milliseconds a word from the first start to the
 * last, for segments whose end nobody wrote down (0 when unknown).
 */
static double count_words(const td_doc *doc, const sentences *ss, size_t *words_of)
{
    td_ms first = TD_TIME_UNKNOWN, last = TD_TIME_UNKNOWN;
    size_t words = 0, last_words = 0;
    memset(words_of, 0, td_doc_segment_count(doc) * sizeof(*words_of));
    for (size_t i = 0; i < ss->n; i++)
        words_of[ss->v[i].seg] += ss->v[i].words;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) != TD_SEG_SPEECH || td_segment_start(s) < 0)
            continue;
        if (first < 0)
            first = td_segment_start(s);
        last = td_segment_start(s);
        words += last_words;
        last_words = words_of[i];
    }
    return words > 0 && last > first ? (double)(last - first) / (double)words : 0;
}

/* Where a turn ends: its last segment's end (no later than the next
 * turn's start), the next turn's start, or its last segment's start plus
 * that segment's words at the transcript's pace. */
static td_ms turn_end(const td_segment *last, td_ms next_start, double pace)
{
    td_ms last_end = td_segment_end(last), last_start = td_segment_start(last);
    if (last_end >= 0)
        return next_start >= 0 && next_start < last_end ? next_start : last_end;
    if (next_start >= 0)
        return next_start;
    if (last_start < 0)
        return TD_TIME_UNKNOWN;
    size_t len;
    const char *text = td_segment_text(last, &len);
    return last_start + (td_ms)((double)td_text_word_count(text, len) * pace);
}

/* Segments, words, events and turns with their talk time. */
static void count_segments(const td_doc *doc, const sentences *ss, figures *f,
                           size_t *words_of)
{
    size_t n = td_doc_segment_count(doc);
    td_ms turn_start = TD_TIME_UNKNOWN;
    const td_segment *last = NULL;
    double pace = count_words(doc, ss, words_of);
    int speaker = TD_NO_SPEAKER;
    tally *open = NULL;

    for (size_t i = 0; i <= n; i++) {
        const td_segment *s = i < n ? td_doc_segment(doc, i) : NULL;
        td_ms start = s ? td_segment_start(s) : TD_TIME_UNKNOWN;
        td_ms end = s ? td_segment_end(s) : TD_TIME_UNKNOWN;
        if (s && (end >= 0 ? end : start) > f->last)
            f->last = end >= 0 ? end : start;
        if (s && td_segment_kind(s) == TD_SEG_EVENT) {
            const char *label = td_segment_label(s);
            json_t *c = json_object_get(f->events, label ? label : "other");
            json_object_set_new(f->events, label ? label : "other",
                                json_integer(c ? json_integer_value(c) + 1 : 1));
        }
        if (s && td_segment_kind(s) != TD_SEG_SPEECH)
            continue;
        /* A new turn (or the end): time the one before. */
        if (open && (s == NULL || td_segment_speaker(s) != speaker)) {
            td_ms end_at = turn_end(last, start, pace);
            if (turn_start >= 0 && end_at >= turn_start) {
                open->talk += end_at - turn_start;
                open->timed = true;
            }
            open = NULL;
        }
        if (s == NULL)
            break;
        size_t words = words_of[i];
        if (open == NULL) {
            speaker = td_segment_speaker(s);
            open = slot(f, speaker);
            open->turns++;
            f->turns++;
            turn_start = start;
        }
        open->words += words;
        f->words += words;
        f->segments++;
        last = s;
    }
}

/* Shares in tenths of a percent, by largest remainder, adding up to 1000. */
static void share_out(figures *f, bool by_time)
{
    double total = 0;
    for (size_t i = 0; i < f->nwho; i++)
        total += by_time ? (double)f->who[i].talk : (double)f->who[i].words;
    if (total <= 0)
        return;
    int given = 0;
    double *rest = calloc(f->nwho, sizeof(*rest));
    for (size_t i = 0; i < f->nwho; i++) {
        double exact = 1000.0 * (by_time ? (double)f->who[i].talk
                                         : (double)f->who[i].words) / total;
        f->who[i].tenths = (int)floor(exact);
        given += f->who[i].tenths;
        if (rest)
            rest[i] = exact - floor(exact);
    }
    while (rest && given < 1000) {
        size_t top = 0;
        for (size_t i = 1; i < f->nwho; i++)
            if (rest[i] > rest[top])
                top = i;
        f->who[top].tenths++;
        rest[top] = -1;
        given++;
    }
    free(rest);
}

static json_t *rate(size_t words, td_ms ms)
{
    return ms > 0 ? json_real((double)words / (ms / 60000.0)) : json_null();
}

static json_t *speakers_json(const td_doc *doc, const figures *f)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < f->nwho; i++) {
        const tally *t = &f->who[i];
        if (t->words == 0 && t->questions == 0)
            continue;
        int sp = (int)i - 1;
        const char *id = sp >= 0 ? td_doc_speaker_id(doc, sp) : NULL;
        const char *name = sp >= 0 ? td_doc_speaker_name(doc, sp) : NULL;
        json_array_append_new(arr, json_pack(
            "{s:o, s:o, s:I, s:o, s:f, s:I, s:o, s:I}",
            "id", id ? json_string(id) : json_null(),
            "name", name ? json_string(name) : json_null(),
            "words", (json_int_t)t->words,
            "talk_time", t->timed ? json_real(t->talk / 1000.0) : json_null(),
            "share", t->tenths / 10.0,
            "turns", (json_int_t)t->turns,
            "words_per_minute", t->timed ? rate(t->words, t->talk) : json_null(),
            "questions", (json_int_t)t->questions));
    }
    return arr;
}

static int count_questions(td_doc *doc, const sentences *ss, figures *f)
{
    question *q = NULL;
    long n = questions_find(doc, ss, QUESTION_MIN_WORDS, &q);
    for (long i = 0; i < n; i++)
        slot(f, q[i].speaker)->questions++;
    f->questions = n > 0 ? (size_t)n : 0;
    free(q);
    return n < 0 ? -1 : 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    figures f = { .nwho = td_doc_speaker_count(doc) + 1, .last = TD_TIME_UNKNOWN };
    (void)state;

    const sentences *ss = analysis_sentences(doc);
    size_t *words_of = malloc((td_doc_segment_count(doc) + 1) * sizeof(*words_of));
    f.who = calloc(f.nwho, sizeof(*f.who));
    f.events = json_object();
    if (ss == NULL || words_of == NULL || f.who == NULL || f.events == NULL ||
        count_questions(doc, ss, &f) != 0) {
        free(words_of);
        free(f.who);
        json_decref(f.events);
        return td_error_set(err, "out of memory");
    }
    count_segments(doc, ss, &f, words_of);
    free(words_of);
    bool by_time = false;
    for (size_t i = 0; i < f.nwho; i++)
        by_time |= f.who[i].talk > 0;
    share_out(&f, by_time);

    json_t *stats = td_doc_stats(doc);
    int rc = json_object_set_new(stats, "duration",
                                 f.last >= 0 ? json_real(f.last / 1000.0) : json_null());
    rc |= json_object_set_new(stats, "segments", json_integer((json_int_t)f.segments));
    rc |= json_object_set_new(stats, "words", json_integer((json_int_t)f.words));
    rc |= json_object_set_new(stats, "words_per_minute",
                              f.last > 0 ? rate(f.words, f.last) : json_null());
    rc |= json_object_set_new(stats, "turns", json_integer((json_int_t)f.turns));
    rc |= json_object_set_new(stats, "questions", json_integer((json_int_t)f.questions));
    rc |= json_object_set_new(stats, "share_of", json_string(by_time ? "talk_time" : "words"));
    rc |= json_object_set_new(stats, "speakers", speakers_json(doc, &f));
    rc |= json_object_set_new(stats, "events", f.events);
    free(f.who);
    return rc ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin stats = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "stats",
    .version = "1.1",
    .summary = "duration, words, turns, questions; per speaker words, talk time, "
               "share, rate; events by kind",
    .run = run,
};

TD_PLUGIN_DEFINE(stats)
