/* The questions summarizer: questions with speaker and time, in meta. */
#include "harness.h"
#include "turns_doc.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

/*
 * A Markdown chat the way the chat parser reads it: "**Name:** text"
 * starts a turn, the lines after it continue it; format chat-md.
 */
static td_doc *chat_doc(const char *text)
{
    td_doc *doc = th_doc("chat.md", text);
    int speaker = TD_NO_SPEAKER;
    td_doc_set_format(doc, "chat-md");
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *close = len > 4 && strncmp(p, "**", 2) == 0 ? strstr(p + 2, ":**") : NULL;
        if (close && close < p + len && close + 3 < p + len) {
            speaker = td_doc_speaker(doc, p + 2, (size_t)(close - p - 2));
            const char *body = close + 3 + (close[3] == ' ');
            td_doc_add_segment(doc, -1, -1, speaker, TD_SEG_SPEECH, body,
                               (size_t)(p + len - body));
        } else if (len > 0 && speaker != TD_NO_SPEAKER && strncmp(p, "---", 3) != 0) {
            td_doc_add_segment(doc, -1, -1, speaker, TD_SEG_SPEECH, p, len);
        }
        p = nl ? nl + 1 : p + len;
    }
    return doc;
}

static json_t *questions(td_doc *doc)
{
    json_t *q = json_object_get(td_doc_meta(doc), "questions");
    assert_non_null(q);
    return q;
}

static const char *field(json_t *q, size_t i, const char *key)
{
    json_t *v = json_object_get(json_array_get(q, i), key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void fixture_podcast_questions(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/podcast.txt", NULL);
    td_doc *doc = turns_doc("podcast.txt", text, true);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *q = questions(doc);
    assert_int_equal(json_array_size(q), 12);
    assert_string_equal(field(q, 0, "text"),
                        "What is a feature store, and why does a retailer need one?");
    assert_string_equal(field(q, 0, "speaker"), "Maria");
    assert_float_equal(json_real_value(json_object_get(json_array_get(q, 0), "start")),
                       55.0, 1e-9);
    assert_string_equal(field(q, 4, "text"), "How did that start?");
    assert_string_equal(field(q, 11, "text"), "Where can people find you?");
    td_doc_free(doc);
    free(text);
}

/* Participants' turns are questions whole; the host's count by '?'. */
static void chat_fixture(void **state)
{
    (void)state;
    td_error err;
    char *text = th_fixture("summarizers/ama.md", NULL);
    td_doc *doc = chat_doc(text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *q = questions(doc);
    assert_int_equal(json_array_size(q), 3);
    assert_string_equal(field(q, 0, "speaker"), "Q1");
    assert_string_equal(field(q, 0, "text"), "How long did it take you to learn to sail?");
    assert_true(json_is_null(json_object_get(json_array_get(q, 0), "start")));
    assert_string_equal(field(q, 1, "speaker"), "R");
    assert_string_equal(field(q, 1, "text"), "Why does it take that long?");
    /* Not a '?' at all, but a participant's turn; "Thanks!" is too short. */
    assert_string_equal(field(q, 2, "speaker"), "Q2");
    assert_string_equal(field(q, 2, "text"), "I'd love to hear about your worst storm.");
    td_doc_free(doc);
    free(text);
}

static void seed_001_participants(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("001", &len);
    if (text == NULL)
        skip();
    td_doc *doc = chat_doc(text);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    json_t *q = questions(doc);
    size_t participants = 0;
    for (size_t i = 0; i < json_array_size(q); i++) {
        const char *who = field(q, i, "speaker");
        if (who[0] == 'P') {
            char want[8];
            snprintf(want, sizeof(want), "P%zu", ++participants);
            assert_string_equal(who, want);
        }
    }
    assert_int_equal(participants, 7);
    assert_true(strncmp(field(q, 0, "text"), "How you introduce Data Science", 30) == 0);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_podcast_questions),
        cmocka_unit_test(chat_fixture),
        cmocka_unit_test(seed_001_participants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
