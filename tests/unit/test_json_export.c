/* The json exporter writes the whole document, atomically named. */
#include "harness.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

const td_plugin *td_plugin_entry(void);

static void writes_parseable_document(void **state)
{
    (void)state;
    td_doc *doc = th_doc("talk.txt", "x");
    td_doc_set_title(doc, "T\xc3\xa9", TD_NTS);
    td_doc_add_segment(doc, 0, 1000, -1, TD_SEG_SPEECH, "line \"one\"\n", TD_NTS);
    char *dir = th_export(td_plugin_entry(), doc, (const char *[]){ "indent", "0", NULL });
    size_t len;
    char *text = th_read_file(dir, "out.json", &len);
    assert_non_null(text);
    assert_ptr_equal(strchr(text, '\n'), text + len - 1);   /* one line */
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "title")), "T\xc3\xa9");
    json_t *s0 = json_array_get(json_object_get(j, "segments"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "text")), "line \"one\"\n");
    json_decref(j);
    free(text);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
    td_doc_free(doc);
}

static void bad_indent_fails_init(void **state)
{
    (void)state;
    const td_plugin *p = td_plugin_entry();
    td_error err = { "" };
    void *st = NULL;
    td_options *o = td__options_new(p->options, ".", ".");
    td__options_set(o, "indent", "99", NULL, 0);
    assert_int_equal(p->init(&st, o, &err), -1);
    assert_non_null(strstr(err.message, "indent"));
    td__options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_parseable_document), cmocka_unit_test(bad_indent_fails_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
