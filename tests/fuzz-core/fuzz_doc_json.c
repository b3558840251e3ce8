/*
 * fuzz_doc_json.c - the JSON document writer on whatever text plugins
 * leave in a document.
 *
 * The input is split at 0xFF bytes (never part of UTF-8) into strings that
 * become a title, speakers, segment texts, labels, chapters, summary
 * sentences, keywords and a meta value.  td_doc_dump_json() must then
 * either refuse with -EILSEQ (some string is not valid UTF-8) or write
 * JSON that jansson reads back with every string unchanged.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define MAX_FIELDS 64

typedef struct field {
    const char *s;
    size_t len;         /* as given */
    size_t nts;         /* up to the first NUL: what NUL-terminated setters keep */
} field;

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

static bool same(const json_t *v, const char *s, size_t len)
{
    return json_is_string(v) && json_string_length(v) == len &&
           memcmp(json_string_value(v), s, len) == 0;
}

static size_t split(const uint8_t *data, size_t size, field *f)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < MAX_FIELDS; i++) {
        if (i == size || data[i] == 0xFF) {
            const char *s = (const char *)data + start;
            const char *nul = memchr(s, '\0', i - start);
            f[n++] = (field){ s, i - start, nul ? (size_t)(nul - s) : i - start };
            start = i + 1;
        }
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    field f[MAX_FIELDS];
    td_error err;
    bool all_valid = true;

    if (size < 1)
        return 0;
    int indent = data[0] % 5;
    size_t n = split(data + 1, size - 1, f);
    td_doc *doc = td_doc_new("fuzz.txt", "0:00 x\n", 7, &err);
    CHECK(doc != NULL);

    /* Field 0 is the title, 1 a speaker, the rest go round the kinds. */
    const field *title = &f[0];
    CHECK(td_doc_set_title(doc, title->s, title->nts) == 0);
    all_valid &= valid_utf8(title->s, title->nts);
    int speaker = TD_NO_SPEAKER;
    if (n > 1) {
        speaker = td_doc_speaker(doc, f[1].s, f[1].nts);
        CHECK(speaker >= 0);
        all_valid &= valid_utf8(f[1].s, f[1].nts);
    }
    size_t segs = 0;
    const field *seg_text[MAX_FIELDS];
    for (size_t i = 2; i < n; i++) {
        const field *x = &f[i];
        switch (i % 5) {
        case 0:         /* a segment: any bytes, NULs included */
        case 1:
            CHECK(td_doc_add_segment(doc, (td_ms)i * 1000, TD_TIME_UNKNOWN, speaker,
                                     TD_SEG_SPEECH, x->s, x->len) == 0);
            seg_text[segs++] = x;
            all_valid &= valid_utf8(x->s, x->len);
            break;
        case 2:         /* the label of the last segment, or a chapter */
            if (segs > 0) {
                char *label = strndup(x->s, x->nts);
                CHECK(label && td_segment_set_label(doc, td_doc_segment(doc, segs - 1),
                                                    label) == 0);
                free(label);
            } else {
                CHECK(td_doc_add_chapter(doc, 0, x->s, x->nts) == 0);
            }
            all_valid &= valid_utf8(x->s, x->nts);
            break;
        case 3:
            CHECK(td_doc_add_summary(doc, 0, speaker, x->s, x->nts) == 0);
            CHECK(td_doc_add_keyword(doc, x->s, x->nts, 0.5) == 0);
            all_valid &= valid_utf8(x->s, x->nts);
            break;
        case 4: {       /* jansson checks its own strings */
            json_t *v = json_stringn(x->s, x->len);
            if (v != NULL)
                json_object_set_new(td_doc_meta(doc), "fuzz", v);
            break;
        }
        }
    }

    td_buf out = TD_BUF_INIT;
    int rc = td_doc_dump_json(doc, indent, &out);
    if (!all_valid) {
        CHECK(rc == -EILSEQ);
    } else {
        CHECK(rc == 0);
        json_error_t jerr;
        json_t *root = json_loadb(out.data, out.len, JSON_ALLOW_NUL, &jerr);
        CHECK(root != NULL);
        CHECK(same(json_object_get(root, "title"), title->s, title->nts));
        json_t *jsegs = json_object_get(root, "segments");
        CHECK(json_array_size(jsegs) == segs);
        for (size_t i = 0; i < segs; i++) {
            json_t *s = json_array_get(jsegs, i);
            CHECK(same(json_object_get(s, "text"), seg_text[i]->s, seg_text[i]->len));
            if (n > 1)
                CHECK(same(json_object_get(s, "speaker"), f[1].s, f[1].nts));
        }
        json_decref(root);
    }
    td_buf_free(&out);
    td_doc_free(doc);
    return 0;
}
