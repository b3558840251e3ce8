/*
 * sample_docs.c - see sample_docs.h.
 */
#include "sample_docs.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void seg(td_doc *doc, td_ms a, td_ms b, int who, td_seg_kind kind,
                const char *text)
{
    assert_int_equal(td_doc_add_segment(doc, a, b, who, kind, text, TD_NTS), 0);
}

td_doc *sd_workshop(void)
{
    td_doc *doc = th_doc("workshop.txt", "bytes of the source");
    td_doc_set_title(doc, "Pine & <Birds>: a \"workshop\"", TD_NTS);
    td_doc_set_date(doc, "2024-05-01", TD_NTS);
    int ann = td_doc_speaker(doc, "A", TD_NTS), bob = td_doc_speaker(doc, "B", TD_NTS);
    td_doc_speaker_set_name(doc, ann, "Ann", TD_NTS);
    td_doc_speaker_set_name(doc, bob, "Bob", TD_NTS);
    td_doc_add_chapter(doc, 0, "Getting started", TD_NTS);
    td_doc_add_chapter(doc, 60000, "Cutting *wood*", TD_NTS);
    td_doc_add_summary(doc, 4000, ann, "They build a birdhouse.", TD_NTS);
    td_doc_add_keyword(doc, "birdhouse", TD_NTS, 1.0);
    td_doc_add_keyword(doc, "pine_boards", TD_NTS, 0.5);
    td_doc_add_keyword(doc, "entrance hole", TD_NTS, 0.25);

    seg(doc, 0, 4000, ann, TD_SEG_SPEECH, "Welcome to the workshop.");
    seg(doc, 4000, 9000, ann, TD_SEG_SPEECH, "Today we build a birdhouse\nout of pine.");
    seg(doc, 9000, 12000, bob, TD_SEG_SPEECH, "Sounds good. What do we need?");
    seg(doc, 12000, 14000, TD_NO_SPEAKER, TD_SEG_EVENT, "");
    td_segment_set_label(doc, td_doc_segment(doc, 3), "laughter");
    seg(doc, 14000, 20000, ann, TD_SEG_SPEECH, "A saw, a drill and some glue.");
    seg(doc, 60000, 75000, ann, TD_SEG_SPEECH,
        "First we cut the front panel to size, then the back panel, and then "
        "both side panels, keeping the grain running up and down so the rain "
        "runs off.");
    seg(doc, 75000, 78000, TD_NO_SPEAKER, TD_SEG_HEADING, "Questions");
    seg(doc, 75000, 78000, bob, TD_SEG_SPEECH, "Use a <sharp> saw & take care.");
    seg(doc, 78000, 81000, ann, TD_SEG_SPEECH, "Right. The entrance hole comes last.");
    return doc;
}

td_doc *sd_bare(void)
{
    td_doc *doc = th_doc("chat.md", "bytes of the source");
    seg(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_SPEECH,
        "# not a heading");
    seg(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_HEADING,
        "Part <2>");
    seg(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_SPEECH,
        "- not a list,");
    seg(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER, TD_SEG_SPEECH,
        "2. neither");
    return doc;
}

static td_ms cue_ms(int h, int m, int s, int ms)
{
    return ((td_ms)h * 3600 + m * 60 + s) * 1000 + ms;
}

/* "hh:mm:ss,mmm --> hh:mm:ss,mmm" (or '.'); 1 when line is a timing line. */
static int timing(const char *line, td_ms *a, td_ms *b)
{
    int h1, m1, s1, f1, h2, m2, s2, f2;
    char c1, c2;
    if (sscanf(line, "%d:%d:%d%c%d --> %d:%d:%d%c%d", &h1, &m1, &s1, &c1, &f1,
               &h2, &m2, &s2, &c2, &f2) != 10)
        return 0;
    *a = cue_ms(h1, m1, s1, f1);
    *b = cue_ms(h2, m2, s2, f2);
    return 1;
}

size_t sd_read_cues(const char *text, sd_cue *cues, size_t max)
{
    size_t n = 0;
    const char *p = text;
    sd_cue *cur = NULL;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[600];
        snprintf(line, sizeof(line), "%.*s", (int)len, p);
        td_ms a, b;
        if (timing(line, &a, &b) && n < max) {
            cur = &cues[n++];
            *cur = (sd_cue){ .start = a, .end = b };
        } else if (len == 0) {
            cur = NULL;
        } else if (cur != NULL) {
            size_t have = strlen(cur->text);
            snprintf(cur->text + have, sizeof(cur->text) - have, "%s%s",
                     cur->lines ? "\n" : "", line);
            cur->lines++;
        }
        p = nl ? nl + 1 : p + len;
    }
    return n;
}

td_doc *sd_from_srt(const char *rel)
{
    size_t len;
    char *text = th_fixture(rel, &len);
    sd_cue cues[64];
    size_t n = sd_read_cues(text, cues, 64);
    td_doc *doc = th_doc(rel, text);
    for (size_t i = 0; i < n; i++) {
        bool event = cues[i].text[0] == '[';
        seg(doc, cues[i].start, cues[i].end, TD_NO_SPEAKER,
            event ? TD_SEG_EVENT : TD_SEG_SPEECH, cues[i].text);
    }
    free(text);
    return doc;
}

char *sd_export(const td_plugin *p, td_doc *doc, const char *const *opts,
                const char *ext)
{
    char name[32], cmd[300];
    snprintf(name, sizeof(name), "out.%s", ext);
    char *dir = th_export(p, doc, opts);
    char *text = th_read_file(dir, name, NULL);
    if (text == NULL)
        fail_msg("%s wrote no %s", p->name, name);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
    return text;
}

const char *sd_init_error(const td_plugin *p, const char *key, const char *value)
{
    static td_error err;
    void *st = NULL;
    td_options *o = td__options_new(p->options, ".", ".");
    err.message[0] = '\0';
    assert_int_equal(td__options_set(o, key, value, NULL, 0), 0);
    if (p->init(&st, o, &err) == 0)
        fail_msg("%s: %s = %s was accepted", p->name, key, value);
    td__options_free(o);
    return err.message;
}
