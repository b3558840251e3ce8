/* Bytes to text: BOMs, UTF-16, line ends, invalid bytes, NULs, binary. */
#include "harness.h"

#include <string.h>

static char *decode(const char *bytes, size_t len, td_decode_info *info)
{
    td_buf out = TD_BUF_INIT;
    assert_int_equal(td_decode(bytes, len, &out, info), 0);
    return out.data;
}

static void utf8_bom_and_crlf(void **state)
{
    td_decode_info info;
    (void)state;
    static const char in[] = "\xef\xbb\xbf" "a\r\nb\rc\n";
    char *s = decode(in, sizeof(in) - 1, &info);
    assert_string_equal(s, "a\nb\nc\n");
    assert_true(info.bom);
    assert_string_equal(info.encoding, "utf-8");
    assert_false(info.binary);
    free(s);
}

static void crlf_split_across_runs(void **state)
{
    td_decode_info info;
    (void)state;
    /* CR then a non-ASCII character, and CRLF right after a multibyte one. */
    char *s = decode("\xc3\xa9\r\n\r\xc3\xa9", 7, &info);
    assert_string_equal(s, "\xc3\xa9\n\n\xc3\xa9");
    free(s);
}

static void utf16_with_bom(void **state)
{
    td_decode_info info;
    (void)state;
    const char le[] = "\xff\xfe" "h\0i\0\r\0\n\0=\0\x3d\xd8\x1b\xde";   /* hi, 😛 */
    char *s = decode(le, sizeof(le) - 1, &info);
    assert_string_equal(info.encoding, "utf-16le");
    assert_string_equal(s, "hi\n=\xf0\x9f\x98\x9b");
    free(s);
    const char be[] = "\xfe\xff\0h\0i";
    s = decode(be, sizeof(be) - 1, &info);
    assert_string_equal(info.encoding, "utf-16be");
    assert_string_equal(s, "hi");
    free(s);
}

static void utf16_without_bom(void **state)
{
    td_decode_info info;
    (void)state;
    const char le[] = "0\0:\0" "0\0" "5\0 \0h\0e\0l\0l\0o\0\n\0";
    char *s = decode(le, sizeof(le) - 1, &info);
    assert_string_equal(info.encoding, "utf-16le");
    assert_string_equal(s, "0:05 hello\n");
    free(s);
}

static void invalid_bytes_and_nul(void **state)
{
    td_decode_info info;
    (void)state;
    const char in[] = "ok \xff text\0more words here and more";
    char *s = decode(in, sizeof(in) - 1, &info);
    assert_int_equal(info.replaced, 1);
    assert_int_equal(info.nuls, 1);
    assert_false(info.binary);
    /* The NUL did not end the string: the text after it is there. */
    assert_non_null(strstr(s, "more words here"));
    assert_int_equal(strlen(s), sizeof(in) - 1 - 2 + 6);
    free(s);
}

static void binary_is_flagged(void **state)
{
    td_decode_info info;
    unsigned char bytes[4096];
    (void)state;
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i * 131 + 7);
    char *s = decode((const char *)bytes, sizeof(bytes), &info);
    assert_true(info.binary);
    free(s);
}

static void doc_refuses_empty_and_binary(void **state)
{
    td_error err = { "" };
    (void)state;
    assert_null(td_doc_new("e.txt", "", 0, &err));
    assert_string_equal(err.message, "empty file");
    const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0";
    assert_null(td_doc_new("x", elf, sizeof(elf) - 1, &err));
    assert_non_null(strstr(err.message, "binary"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_bom_and_crlf), cmocka_unit_test(crlf_split_across_runs),
        cmocka_unit_test(utf16_with_bom), cmocka_unit_test(utf16_without_bom),
        cmocka_unit_test(invalid_bytes_and_nul), cmocka_unit_test(binary_is_flagged),
        cmocka_unit_test(doc_refuses_empty_and_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
