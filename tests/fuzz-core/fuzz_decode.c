/*
 * fuzz_decode.c - the bytes of a dropped file: td_decode() and
 * td_doc_new(), then the text helpers parsers call on the result.
 *
 * Checks what parsers rely on: the text is valid UTF-8 without NUL or CR,
 * terminated, and valid UTF-8 input without a BOM, NUL or CR comes out
 * unchanged.
 */
#include <transcriptd/transcriptd.h>

#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int n = td_utf8_decode(s + i, len - i, &cp);
        if (n < 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

static void check_text(const char *s, size_t len)
{
    CHECK(s != NULL && s[len] == '\0');
    CHECK(memchr(s, '\0', len) == NULL);
    CHECK(memchr(s, '\r', len) == NULL);
    CHECK(valid_utf8(s, len));
}

/* What parsers do with every line: find stamps, squeeze, count words. */
static void use_helpers(const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    CHECK(copy != NULL);
    memcpy(copy, text, len + 1);
    size_t n = td_text_squeeze(copy, len);
    CHECK(n <= len && valid_utf8(copy, n));
    td_text_word_count(copy, n);
    for (size_t i = 0; i < len; i++) {
        td_ms at;
        size_t used = td_time_parse(text + i, len - i, &at);
        CHECK(used <= len - i);
        if (used) {
            char buf[24];
            CHECK(at >= 0);
            td_time_format(at, i & 1, buf);
        }
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    td_buf out = TD_BUF_INIT;
    td_decode_info info;

    CHECK(td_decode(data, size, &out, &info) == 0);
    check_text(out.data, out.len);
    if (!info.bom && strcmp(info.encoding, "utf-8") == 0 &&
        memchr(data, '\0', size) == NULL && memchr(data, '\r', size) == NULL &&
        valid_utf8((const char *)data, size))
        CHECK(out.len == size && memcmp(out.data, data, size) == 0);

    td_error err = { "" };
    td_doc *doc = td_doc_new("fuzz.txt", data, size, &err);
    if (doc == NULL) {
        CHECK(err.message[0] != '\0');
        CHECK(size == 0 || info.binary);
    } else {
        size_t len;
        const char *text = td_doc_text(doc, &len);
        CHECK(len == out.len && memcmp(text, out.data, len) == 0);
        if (size <= 4096)       /* the helpers are linear; keep runs fast */
            use_helpers(text, len);
        td_doc_free(doc);
    }
    td_buf_free(&out);
    return 0;
}
