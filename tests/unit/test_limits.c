/* Per-document limits: the deadline td_doc_expired() reads, and memory. */
#include "harness.h"

#include "internal.h"

#include <string.h>

static void no_limits_never_expire(void **state)
{
    char why[256];
    (void)state;
    td_doc *doc = th_doc("a.txt", "0:00 hello\n");
    assert_false(td_doc_expired(doc));
    td__doc_set_limits(doc, 0, 0, 0);       /* started at the epoch, no limit */
    assert_false(td_doc_expired(doc));
    assert_int_equal(td__doc_check_limits(doc, why, sizeof(why)), 0);
    td_doc_free(doc);
}

static void deadline_passes(void **state)
{
    char why[256];
    (void)state;
    td_doc *doc = th_doc("a.txt", "0:00 hello\n");
    uint64_t now = td__monotonic_ns();
    td__doc_set_limits(doc, now, 60, 0);
    assert_false(td_doc_expired(doc));
    /* Started two seconds ago with one to go. */
    td__doc_set_limits(doc, now - 2000000000u, 1, 0);
    assert_true(td_doc_expired(doc));
    assert_int_equal(td__doc_check_limits(doc, why, sizeof(why)), -1);
    assert_string_equal(why, "timed out after 1 s");
    td_doc_free(doc);
}

static void memory_counts_text_strings_and_arrays(void **state)
{
    char why[256];
    (void)state;
    td_doc *doc = th_doc("a.txt", "0:00 hello\n");
    size_t before = td__doc_memory(doc);
    assert_true(before > 0);
    static char line[1000];
    memset(line, 'x', sizeof(line) - 1);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(td_doc_add_segment(doc, i, -1, TD_NO_SPEAKER, TD_SEG_SPEECH,
                                            line, TD_NTS), 0);
    size_t after = td__doc_memory(doc);
    /* A million bytes of text copied, and the segment array. */
    assert_true(after - before >= 1000 * 999);
    assert_true(after - before < 4 * 1000 * 1000);

    td__doc_set_limits(doc, td__monotonic_ns(), 0, after - 1);
    assert_int_equal(td__doc_check_limits(doc, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "more than max_doc_memory"));
    td__doc_set_limits(doc, td__monotonic_ns(), 0, after);
    assert_int_equal(td__doc_check_limits(doc, why, sizeof(why)), 0);
    td_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_limits_never_expire),
        cmocka_unit_test(deadline_passes),
        cmocka_unit_test(memory_counts_text_strings_and_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
