/*
 * mojibake.c - repairs UTF-8 that was decoded as Windows-1252 (or Latin-1)
 * somewhere upstream and encoded again: "â€™" is ’, "ðŸ˜›" is 😛.
 *
 * A run is repaired only when the round trip is exact: every character of
 * the run maps back to one Windows-1252 (or Latin-1) byte, those bytes
 * form one valid UTF-8 sequence, and the sequence is not a C1 control.
 * Anything else is left as it is, so text that merely contains "Ã" or
 * "â" is never touched.  Text broken twice is repaired in a second pass.
 */
#include <transcriptd/transcriptd.h>

#include <string.h>

/* Passes over one text: each undoes one layer of wrong decoding. */
#define MAX_PASSES 3

/*
 * Windows-1252 bytes 0x80..0x9F and the characters they stand for (the
 * standard mapping; 0 marks the five bytes the code page leaves undefined,
 * which decoders pass through as U+0081 and so on, like Latin-1).
 */
static const uint16_t CP1252_HIGH[32] = {
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
    0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
};

/* The byte a character came from when its bytes were read as Windows-1252
 * or Latin-1, or -1 when no single byte gives it. */
static int cp1252_byte(int32_t cp)
{
    if (cp >= 0x80 && cp <= 0xFF)
        return (int)cp;         /* Latin-1, and the undefined cp1252 bytes */
    for (int i = 0; i < 32; i++)
        if (CP1252_HIGH[i] == cp && cp != 0)
            return 0x80 + i;
    return -1;
}

/*
 * Mojibake of a UTF-8 lead byte 0xC2..0xF4 is a character U+00C2..U+00F4,
 * itself encoded as 0xC3 0x82..0xB4: a cheap test that skips clean text.
 */
static bool lead_at(const unsigned char *s, size_t left)
{
    return left >= 2 && s[0] == 0xC3 && s[1] >= 0x82 && s[1] <= 0xB4;
}

static bool may_have_mojibake(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    while ((s = memchr(s, 0xC3, (size_t)(end - s))) != NULL) {
        if (lead_at(s, (size_t)(end - s)))
            return true;
        s++;
    }
    return false;
}

/*
 * Tries to repair the run starting at text (a lead character, see
 * lead_at).  On success writes the UTF-8 bytes to out (4 at most), sets
 * *used to the length of the run and returns the length of out; else 0.
 */
static int repair_run(const char *text, size_t len, char out[4], size_t *used)
{
    unsigned char bytes[4];
    int32_t cp;
    size_t at = 2;

    bytes[0] = (unsigned char)(0xC0 + ((unsigned char)text[1] - 0x80));
    int need = bytes[0] >= 0xF0 ? 4 : bytes[0] >= 0xE0 ? 3 : 2;
    for (int i = 1; i < need; i++) {
        int n = td_utf8_decode(text + at, len - at, &cp);
        int b = n > 0 ? cp1252_byte(cp) : -1;
        if (b < 0x80 || b > 0xBF)
            return 0;
        bytes[i] = (unsigned char)b;
        at += (size_t)n;
    }
    if (td_utf8_decode((const char *)bytes, (size_t)need, &cp) != need ||
        (cp >= 0x80 && cp <= 0x9F))
        return 0;
    memcpy(out, bytes, (size_t)need);
    *used = at;
    return need;
}

/* One pass over text into out; returns the number of runs repaired. */
static long repair_pass(const char *text, size_t len, td_buf *out, int *rc)
{
    long repaired = 0;
    size_t i = 0, copied = 0;
    char fixed[4];

    td_buf_reset(out);
    while (i < len) {
        const char *hit = memchr(text + i, 0xC3, len - i);
        if (hit == NULL)
            break;
        i = (size_t)(hit - text);
        size_t used = 0;
        int n = lead_at((const unsigned char *)hit, len - i)
                    ? repair_run(hit, len - i, fixed, &used) : 0;
        if (n == 0) {
            i++;
            continue;
        }
        *rc |= td_buf_append(out, text + copied, i - copied);
        *rc |= td_buf_append(out, fixed, (size_t)n);
        i += used;
        copied = i;
        repaired++;
    }
    if (repaired)
        *rc |= td_buf_append(out, text + copied, len - copied);
    return repaired;
}

/*
 * Repairs text into out, pass after pass.  Returns the runs repaired
 * (0: out is unused and the text stays as it is).
 */
static long repair(const char *text, size_t len, td_buf *out, td_buf *tmp,
                   int *rc)
{
    long total = 0;
    for (int pass = 0; pass < MAX_PASSES && may_have_mojibake(text, len); pass++) {
        long n = repair_pass(text, len, tmp, rc);
        if (n == 0 || *rc != 0)
            break;
        total += n;
        td_buf_reset(out);
        *rc |= td_buf_append(out, tmp->data, tmp->len);
        text = out->data;
        len = out->len;
    }
    return total;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    td_buf out = TD_BUF_INIT, tmp = TD_BUF_INIT;
    long repaired = 0, segments = 0;
    int rc = 0;

    (void)state;
    for (size_t i = 0; rc == 0 && i < td_doc_segment_count(doc); i++) {
        td_segment *seg = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(seg, &len);
        long n = repair(text, len, &out, &tmp, &rc);
        if (n > 0 && rc == 0) {
            rc = td_segment_set_text(doc, seg, out.data, out.len);
            repaired += n;
            segments++;
        }
    }
    const char *title = td_doc_title(doc);
    if (rc == 0 && title != NULL) {
        long n = repair(title, strlen(title), &out, &tmp, &rc);
        if (n > 0 && rc == 0) {
            rc = td_doc_set_title(doc, out.data, out.len);
            repaired += n;
        }
    }
    td_buf_free(&out);
    td_buf_free(&tmp);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    td_doc_count_change(doc, "repaired", repaired);
    td_doc_count_change(doc, "segments", segments);
    return 0;
}

static const td_plugin mojibake = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "mojibake",
    .version = "1.0",
    .summary = "repairs UTF-8 read as Windows-1252/Latin-1 (â€™ -> ’), exact round trips only",
    .run = run,
};

TD_PLUGIN_DEFINE(mojibake)
