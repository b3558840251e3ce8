/* Timestamps, white space, word counts and UTF-8 helpers. */
#include "harness.h"

#include <string.h>

static td_ms parse(const char *s, size_t *used)
{
    td_ms ms = -42;
    *used = td_time_parse(s, strlen(s), &ms);
    return ms;
}

static void time_parse_forms(void **state)
{
    size_t n;
    (void)state;
    assert_int_equal(parse("0:05 hello", &n), 5000);
    assert_int_equal(n, 4);
    assert_int_equal(parse("12:34", &n), 754000);
    assert_int_equal(parse("1:02:03", &n), 3723000);
    assert_int_equal(parse("01:02:03,250", &n), 3723250);
    assert_int_equal(n, 12);
    assert_int_equal(parse("00:01.5", &n), 1500);
}

static void time_parse_rejects(void **state)
{
    size_t n;
    (void)state;
    parse("12 apples", &n);
    assert_int_equal(n, 0);          /* a lone number is a word */
    parse("1:5", &n);
    assert_int_equal(n, 0);          /* seconds need two digits */
    parse("1:75", &n);
    assert_int_equal(n, 0);
    parse("1:02:03:04", &n);
    assert_int_equal(n, 0);
    parse("hello", &n);
    assert_int_equal(n, 0);
}

static void time_format(void **state)
{
    char buf[24];
    (void)state;
    assert_string_equal(td_time_format(3723000, false, buf), "1:02:03");
    assert_string_equal(td_time_format(65000, true, buf), "1:05");
    assert_string_equal(td_time_format(65000, false, buf), "0:01:05");
    assert_string_equal(td_time_format(TD_TIME_UNKNOWN, false, buf), "");
}

static void squeeze(void **state)
{
    char s[] = "  a \t b\xc2\xa0\xc2\xa0" "c\n\n d  ";
    (void)state;
    size_t n = td_text_squeeze(s, strlen(s));
    assert_int_equal(n, 7);
    assert_string_equal(s, "a b c d");
    char empty[] = " \t\n ";
    assert_int_equal(td_text_squeeze(empty, strlen(empty)), 0);
}

static void word_count(void **state)
{
    (void)state;
    assert_int_equal(td_text_word_count("", 0), 0);
    assert_int_equal(td_text_word_count("one", 3), 1);
    const char *s = " two  words\xe2\x80\x83here ";
    assert_int_equal(td_text_word_count(s, strlen(s)), 3);
    /* Non-ASCII letters are words; a no-break space and CR/LF are not. */
    s = "\xc3\xa9t\xc3\xa9\xc2\xa0" "caf\xc3\xa9\r\n\xe2\x80\x94 x\t";
    assert_int_equal(td_text_word_count(s, strlen(s)), 4);
    /* A truncated multibyte space at the end is not a space. */
    assert_int_equal(td_text_word_count("a \xe2\x80", 4), 2);
}

static void utf8_round_trip(void **state)
{
    char out[4];
    int32_t cp;
    (void)state;
    const int32_t cps[] = { 0x41, 0xE9, 0x20AC, 0x1F61B };
    for (size_t i = 0; i < 4; i++) {
        int n = td_utf8_encode(cps[i], out);
        assert_int_equal(td_utf8_decode(out, (size_t)n, &cp), n);
        assert_int_equal(cp, cps[i]);
    }
    assert_int_equal(td_utf8_decode("\xc0\xaf", 2, &cp), -1);   /* overlong */
    assert_int_equal(td_utf8_decode("\xed\xa0\x80", 3, &cp), -1); /* surrogate */
    assert_int_equal(td_utf8_decode("\xe2\x82", 2, &cp), -1);    /* cut short */
}

static void buf_grows(void **state)
{
    td_buf b = TD_BUF_INIT;
    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(td_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(b.len, strlen(b.data));
    assert_memory_equal(b.data + b.len - 4, "999,", 4);
    td_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    td_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_parse_forms), cmocka_unit_test(time_parse_rejects),
        cmocka_unit_test(time_format), cmocka_unit_test(squeeze),
        cmocka_unit_test(word_count), cmocka_unit_test(utf8_round_trip),
        cmocka_unit_test(buf_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
