/* The jsonl exporter: one self-contained object per segment per line. */
#include "sample_docs.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static json_t *line(const char *text, size_t n)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    json_error_t jerr;
    json_t *j = json_loadb(p, (size_t)(strchr(p, '\n') - p), 0, &jerr);
    if (j == NULL)
        fail_msg("line %zu: %s", n, jerr.text);
    return j;
}

static void one_object_per_segment(void **state)
{
    (void)state;
    td_doc *doc = sd_workshop();
    char *out = sd_export(td_plugin_entry(), doc, NULL, "jsonl");
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, td_doc_segment_count(doc));

    json_t *j = line(out, 1);
    assert_string_equal(json_string_value(json_object_get(j, "source")), "workshop.txt");
    assert_string_equal(json_string_value(json_object_get(j, "id")), td_doc_source_id(doc));
    assert_int_equal(json_integer_value(json_object_get(j, "index")), 1);
    assert_true(json_real_value(json_object_get(j, "start")) == 4.0);
    assert_true(json_real_value(json_object_get(j, "end")) == 9.0);
    assert_string_equal(json_string_value(json_object_get(j, "speaker")), "Ann");
    /* Text as it is, newline included: JSON escapes it on one line. */
    assert_string_equal(json_string_value(json_object_get(j, "text")),
                        "Today we build a birdhouse\nout of pine.");
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "speech");
    assert_null(json_object_get(j, "label"));
    json_decref(j);

    j = line(out, 3);
    assert_true(json_is_null(json_object_get(j, "speaker")));
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "event");
    assert_string_equal(json_string_value(json_object_get(j, "label")), "laughter");
    json_decref(j);
    free(out);
    td_doc_free(doc);
}

static void unknown_times_are_null(void **state)
{
    (void)state;
    td_doc *doc = sd_bare();
    char *out = sd_export(td_plugin_entry(), doc, NULL, "jsonl");
    json_t *j = line(out, 1);
    assert_true(json_is_null(json_object_get(j, "start")));
    assert_true(json_is_null(json_object_get(j, "end")));
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "heading");
    assert_string_equal(json_string_value(json_object_get(j, "text")), "Part <2>");
    json_decref(j);
    free(out);
    td_doc_free(doc);
}

static void invalid_utf8_fails_cleanly(void **state)
{
    (void)state;
    td_doc *doc = th_doc("bad.txt", "x");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "ok", TD_NTS);
    td_doc_add_segment(doc, 1000, 2000, TD_NO_SPEAKER, TD_SEG_SPEECH, "bad \xff", TD_NTS);
    td_error err = { "" };
    td__doc_set_export(doc, "/tmp", "never", false);
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "segment 1"));
    td_doc_free(doc);       /* the partial output is removed with it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_object_per_segment),
        cmocka_unit_test(unknown_times_are_null),
        cmocka_unit_test(invalid_utf8_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
