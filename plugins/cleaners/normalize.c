/*
 * normalize.c - Unicode NFC, one space between words, no empty segments.
 *
 * The first cleaner in most chains: the ones after it can then compare
 * text byte for byte and split on single spaces.
 */
#include <transcriptd/transcriptd.h>

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    td_buf buf = TD_BUF_INIT;
    long nfc = 0, spaces = 0, empty = 0;

    (void)state;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        td_segment *seg = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(seg, &len);
        utf8proc_uint8_t *composed = NULL;

        /* ASCII is already NFC: skip utf8proc (and its allocation). */
        if (!is_ascii(text, len)) {
            utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text,
                                              (utf8proc_ssize_t)len, &composed,
                                              UTF8PROC_STABLE | UTF8PROC_COMPOSE);
            if (n < 0) {
                td_buf_free(&buf);
                return td_error_set(err, "segment %zu: %s", i,
                                    utf8proc_errmsg(n));
            }
            if ((size_t)n != len || memcmp(composed, text, len) != 0)
                nfc++;
            text = (const char *)composed;
            len = (size_t)n;
        }
        td_buf_reset(&buf);
        int rc = td_buf_append(&buf, text, len);
        free(composed);
        if (rc != 0)
            break;
        size_t squeezed = td_text_squeeze(buf.data, buf.len);
        spaces += squeezed != buf.len;
        if (squeezed == 0 && td_segment_kind(seg) == TD_SEG_SPEECH) {
            td_segment_drop(seg);
            empty++;
            continue;
        }
        td_segment_text(seg, &len);
        if (squeezed != len || memcmp(buf.data, td_segment_text(seg, NULL), len))
            if (td_segment_set_text(doc, seg, buf.data, squeezed) != 0)
                break;
    }
    td_buf_free(&buf);
    td_doc_count_change(doc, "nfc", nfc);
    td_doc_count_change(doc, "whitespace", spaces);
    td_doc_count_change(doc, "empty_dropped", empty);
    return 0;
}

static const td_plugin normalize = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "normalize",
    .version = "1.0",
    .summary = "Unicode NFC, collapsed white space, empty segments dropped",
    .run = run,
};

TD_PLUGIN_DEFINE(normalize)
