/* The redact cleaner: addresses, phone numbers and links replaced. */
#include "harness.h"
#include "paragraphs.h"

#include <string.h>

const td_plugin *td_plugin_entry(void);

static td_doc *contacts(void)
{
    size_t len;
    char *text = th_fixture("redact/contacts.txt", &len);
    td_doc *doc = tp_doc("c.txt", text, len);
    free(text);
    return doc;
}

static void emails_and_phones_by_default(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = contacts();
    assert_int_equal(th_run(td_plugin_entry(), doc, NULL, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "Write to [email] or call [phone] today.");
    assert_string_equal(th_seg_text(doc, 1), "The office line is [phone], the fax [phone].");
    assert_string_equal(th_seg_text(doc, 2), "See https://example.com/talks/42?x=1, or "
                        "www.example.org.");
    /* Dates, thousands, years and plain numbers are not phone numbers. */
    assert_string_equal(th_seg_text(doc, 3), "We met on 2019-11-13 with 1.000.000 people "
                        "from 2016 2017 2018, ID 12345678.");
    assert_string_equal(th_seg_text(doc, 4), "Mail me at [email] (or https://[email]/).");
    assert_int_equal(tp_change(doc, "redact", "email"), 3);
    assert_int_equal(tp_change(doc, "redact", "phone"), 3);
    assert_int_equal(tp_change(doc, "redact", "url"), -1);
    td_doc_free(doc);
}

static void urls_on_request(void **state)
{
    (void)state;
    td_error err;
    td_doc *doc = contacts();
    const char *opts[] = { "urls", "yes", "phones", "no", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_string_equal(th_seg_text(doc, 0), "Write to [email] or call +1 555 123 4567 today.");
    assert_string_equal(th_seg_text(doc, 2), "See [url], or [url].");
    assert_string_equal(th_seg_text(doc, 4), "Mail me at [email] (or [url]).");
    assert_int_equal(tp_change(doc, "redact", "url"), 3);
    assert_int_equal(tp_change(doc, "redact", "email"), 2);
    assert_int_equal(tp_change(doc, "redact", "phone"), -1);
    td_doc_free(doc);
}

/* Seed 001, a chat page full of links and dates: only what is asked for. */
static void seed_001_links(void **state)
{
    (void)state;
    size_t len;
    td_error err;
    char *text = th_seed("001", &len);
    if (text == NULL)
        skip();
    td_doc *doc = tp_doc("001", text, len);
    const char *opts[] = { "urls", "yes", NULL };
    assert_int_equal(th_run(td_plugin_entry(), doc, opts, &err), 0);
    assert_int_equal(tp_change(doc, "redact", "url"), 7);
    assert_int_equal(tp_change(doc, "redact", "phone"), 0);
    assert_int_equal(tp_change(doc, "redact", "email"), 0);
    bool date = false;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        assert_null(strstr(th_seg_text(doc, i), "http"));
        date |= strstr(th_seg_text(doc, i), "2019-11-13T15:14:46") != NULL;
    }
    assert_true(date);
    td_doc_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emails_and_phones_by_default),
        cmocka_unit_test(urls_on_request),
        cmocka_unit_test(seed_001_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
