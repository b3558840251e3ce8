/*
 * redact.c - replaces e-mail addresses, phone numbers and, on request,
 * links with [email], [phone] and [url], for transcripts that leave the
 * house.  Not in the default chain: add it to [pipeline] cleaners.
 *
 * Phone numbers are told from other numbers by their shape: a number of 7
 * to 15 digits that starts with +, has an area code in parentheses, or is
 * grouped with - or . ("555-123-4567").  Dates (2019-11-13, 13.11.2019) and
 * thousands (1.000.000) are not phone numbers; neither are plain runs of
 * digits or years in a row ("2016 2017"), which prose is full of.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <transcriptd/transcriptd.h>

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

enum { EMAIL, URL, PHONE, NKINDS };

static const char *const KIND_NAMES[NKINDS] = { "email", "url", "phone" };
static const char *const REPLACEMENTS[NKINDS] = { "[email]", "[url]", "[phone]" };

/* Links first: the addresses and digits inside them go with them. */
static const int ORDER[NKINDS] = { URL, EMAIL, PHONE };

static const char *const PATTERNS[NKINDS] = {
    [EMAIL] = "(?<![\\w.+-])[\\w.+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
    [URL] = "\\b(?:https?://|www\\.)[^\\s<>\"\\[\\]]+",
    [PHONE] = "(?<![\\w+.-])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?"
              "\\d{2,4}(?:[ .-]\\d{2,4}){1,4}(?![\\w-]|\\.\\d)",
};

typedef struct redact {
    pcre2_code *re[NKINDS];
    bool on[NKINDS];
} redact;

static const td_option options[] = {
    { "emails", TD_OPT_BOOL, "yes", "replace e-mail addresses with [email]" },
    { "phones", TD_OPT_BOOL, "yes", "replace phone numbers with [phone]" },
    { "urls", TD_OPT_BOOL, "no", "replace links (http://, https://, www.) with [url]" },
    { NULL, 0, NULL, NULL },
};

static void fini(void *state)
{
    redact *r = state;
    if (r == NULL)
        return;
    for (int k = 0; k < NKINDS; k++)
        pcre2_code_free(r->re[k]);
    free(r);
}

static int init(void **state, const td_options *opts, td_error *err)
{
    redact *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return td_error_set(err, "out of memory");
    r->on[EMAIL] = td_opt_bool(opts, "emails");
    r->on[URL] = td_opt_bool(opts, "urls");
    r->on[PHONE] = td_opt_bool(opts, "phones");
    for (int k = 0; k < NKINDS; k++) {
        int code;
        PCRE2_SIZE at;
        r->re[k] = pcre2_compile((PCRE2_SPTR)PATTERNS[k], PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP, &code, &at, NULL);
        if (r->re[k] == NULL) {
            fini(r);
            return td_error_set(err, "%s pattern does not compile", KIND_NAMES[k]);
        }
        pcre2_jit_compile(r->re[k], PCRE2_JIT_COMPLETE);
    }
    *state = r;
    return 0;
}

/* ---- telling kinds apart ---------------------------------------------------- */

/* Cheap tests that skip text which cannot hold a match. */
static bool may_hold(int kind, const char *s, size_t len)
{
    size_t digits = 0;
    switch (kind) {
    case EMAIL:
        return memchr(s, '@', len) != NULL;
    case URL:
        return memmem(s, len, "http", 4) != NULL || memmem(s, len, "www.", 4) != NULL;
    default:
        for (size_t i = 0; i < len && digits < 7; i++)
            digits += isdigit((unsigned char)s[i]) != 0;
        return digits >= 7;
    }
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* 2019-11-13, 13.11.2019, 13/11/2019 (the pattern has no /), 1.000.000. */
static bool date_or_thousands(const char *s, size_t n)
{
    if (n == 10 && (s[4] == '-' || s[4] == '.') && s[7] == s[4] &&
        all_digits(s, 4) && all_digits(s + 5, 2) && all_digits(s + 8, 2))
        return true;
    if (n == 10 && (s[2] == '-' || s[2] == '.') && s[5] == s[2] &&
        all_digits(s, 2) && all_digits(s + 3, 2) && all_digits(s + 6, 4))
        return true;
    size_t i = 0;
    while (i < n && i < 3 && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0 || i == n)
        return false;
    for (char sep = s[i]; i < n; i += 4)
        if ((sep != '.' && sep != ',') || s[i] != sep || i + 4 > n ||
            !all_digits(s + i + 1, 3))
            return false;
    return true;
}

/* Whether a match of the phone pattern has a phone number's shape. */
static bool phone_shaped(const char *s, size_t n)
{
    size_t digits = 0;
    bool grouped = false;
    for (size_t i = 0; i < n; i++) {
        digits += isdigit((unsigned char)s[i]) != 0;
        grouped |= s[i] == '-' || s[i] == '.' || s[i] == '(';
    }
    if (digits < 7 || digits > 15 || date_or_thousands(s, n))
        return false;
    return s[0] == '+' || grouped;
}

/* A link ends before the punctuation that closes its sentence. */
static size_t trim_url(const char *s, size_t n)
{
    for (;;) {
        if (n > 0 && strchr(".,;:!?'", s[n - 1]) != NULL) {
            n--;
            continue;
        }
        if (n > 0 && s[n - 1] == ')' && memchr(s, '(', n) == NULL) {
            n--;
            continue;
        }
        return n;
    }
}

/* ---- replacing ------------------------------------------------------------------ */

/*
 * Replaces every match of kind in text into out; returns how many (0:
 * out is unused), or -1 when out of memory.
 */
static long replace_kind(const redact *r, int kind, const char *text, size_t len,
                         td_buf *out, pcre2_match_data *md)
{
    long n = 0;
    size_t at = 0, copied = 0;
    int rc = 0;

    td_buf_reset(out);
    while (at < len && pcre2_match(r->re[kind], (PCRE2_SPTR)text, len, at, 0, md, NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t s = ov[0], e = ov[1];
        if (kind == URL)
            e = s + trim_url(text + s, e - s);
        if (e <= s || (kind == PHONE && !phone_shaped(text + s, e - s))) {
            at = ov[1] > at ? ov[1] : at + 1;
            continue;
        }
        rc |= td_buf_append(out, text + copied, s - copied);
        rc |= td_buf_append(out, REPLACEMENTS[kind], strlen(REPLACEMENTS[kind]));
        copied = at = e;
        n++;
    }
    if (n > 0)
        rc |= td_buf_append(out, text + copied, len - copied);
    return rc ? -1 : n;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const redact *r = state;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    td_buf a = TD_BUF_INIT, b = TD_BUF_INIT;
    long counts[NKINDS] = { 0 };
    int rc = md ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < td_doc_segment_count(doc); i++) {
        td_segment *seg = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(seg, &len);
        bool changed = false;
        for (int o = 0; o < NKINDS && rc == 0; o++) {
            int k = ORDER[o];
            if (!r->on[k] || !may_hold(k, text, len))
                continue;
            long n = replace_kind(r, k, text, len, &a, md);
            if (n < 0)
                rc = -1;
            if (n <= 0)
                continue;
            counts[k] += n;
            td_buf tmp = a;                 /* the result becomes the input */
            a = b;
            b = tmp;
            text = b.data;
            len = b.len;
            changed = true;
        }
        if (rc == 0 && changed)
            rc = td_segment_set_text(doc, seg, text, len);
    }
    pcre2_match_data_free(md);
    td_buf_free(&a);
    td_buf_free(&b);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    for (int k = 0; k < NKINDS; k++)
        if (r->on[k])
            td_doc_count_change(doc, KIND_NAMES[k], counts[k]);
    return 0;
}

static const td_plugin redact_plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "redact",
    .version = "1.0",
    .summary = "e-mail addresses, phone numbers and (optionally) links -> [email] [phone] [url]",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(redact_plugin)
