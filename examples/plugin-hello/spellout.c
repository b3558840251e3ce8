/*
 * spellout.c - a cleaner that spells out acronyms at their first use:
 * "we trained the ML model" becomes "we trained the machine learning (ML)
 * model", once per document, as style guides ask.
 *
 * An example of an out-of-tree plugin: it builds with nothing but
 * `pkg-config transcriptd` (see the Makefile) and shows the parts every
 * plugin has: declared options, read-only state built in init(), a run()
 * that is linear in the text and allocates nothing per word, and changes
 * counted for the document's "changes" section.
 *
 *   [pipeline]
 *   cleaners = normalize spellout
 *   [spellout]
 *   acronyms = ML=machine learning; GPU=graphics processing unit
 */
#define _POSIX_C_SOURCE 200809L

#include <transcriptd/transcriptd.h>

#include <stdlib.h>
#include <string.h>

#define MAX_ACRONYMS 64

typedef struct acronym {
    char *abbr;
    size_t abbr_len;
    char *expansion;
    size_t expansion_len;
} acronym;

typedef struct state {
    acronym v[MAX_ACRONYMS];
    size_t n;
} state;

static const td_option options[] = {
    { "acronyms", TD_OPT_STRING,
      "AI=artificial intelligence; ML=machine learning; "
      "NLP=natural language processing",
      "ABBR=expansion pairs separated by ';', matched case-sensitively" },
    { NULL },
};

static bool is_word_byte(unsigned char c)
{
    /* Bytes of multi-byte UTF-8 characters count as letters. */
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static char *trimmed_copy(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len ? strndup(s, len) : NULL;
}

static void fini(void *arg)
{
    state *st = arg;
    for (size_t i = 0; st && i < st->n; i++) {
        free(st->v[i].abbr);
        free(st->v[i].expansion);
    }
    free(st);
}

/* One "ABBR=expansion" entry of the option. */
static int add_entry(state *st, const char *entry, size_t len, td_error *err)
{
    const char *eq = memchr(entry, '=', len);
    if (eq == NULL)
        return td_error_set(err, "[spellout] acronyms: '%.*s' is not ABBR=expansion",
                            (int)len, entry);
    if (st->n == MAX_ACRONYMS)
        return td_error_set(err, "[spellout] acronyms: more than %d entries",
                            MAX_ACRONYMS);
    acronym *a = &st->v[st->n];
    a->abbr = trimmed_copy(entry, (size_t)(eq - entry));
    a->expansion = trimmed_copy(eq + 1, len - (size_t)(eq - entry) - 1);
    st->n++;
    if (a->abbr == NULL || a->expansion == NULL)
        return td_error_set(err, "[spellout] acronyms: '%.*s' has an empty side",
                            (int)len, entry);
    a->abbr_len = strlen(a->abbr);
    a->expansion_len = strlen(a->expansion);
    for (size_t i = 0; i < a->abbr_len; i++)
        if (!is_word_byte((unsigned char)a->abbr[i]))
            return td_error_set(err, "[spellout] acronyms: '%s' is not one word",
                                a->abbr);
    return 0;
}

static int init(void **out, const td_options *opts, td_error *err)
{
    state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    const char *s = td_opt_string(opts, "acronyms");
    while (*s) {
        size_t len = strcspn(s, ";");
        if (strspn(s, " \t") < len && add_entry(st, s, len, err) != 0) {
            fini(st);
            return -1;
        }
        s += len + (s[len] == ';');
    }
    *out = st;
    return 0;
}

static const acronym *lookup(const state *st, const char *w, size_t len)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].abbr_len == len && memcmp(st->v[i].abbr, w, len) == 0)
            return &st->v[i];
    return NULL;
}

/* "machine learning (ML" just before: the speaker already spelled it out. */
static bool spelled_before(const acronym *a, const char *text, size_t at)
{
    size_t need = a->expansion_len + 2;
    return at >= need && text[at - 1] == '(' && text[at - 2] == ' ' &&
           memcmp(text + at - need, a->expansion, a->expansion_len) == 0;
}

/*
 * Copies text into out with the first use of each acronym spelled out;
 * seen[] says which were used earlier in the document.  Returns how many
 * were spelled out.
 */
static long spell_out(const state *st, const char *text, size_t len,
                      bool *seen, td_buf *out)
{
    long n = 0;
    size_t i = 0, copied = 0;
    while (i < len) {
        if (!is_word_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && is_word_byte((unsigned char)text[i]))
            i++;
        const acronym *a = lookup(st, text + start, i - start);
        if (a == NULL || seen[a - st->v])
            continue;
        seen[a - st->v] = true;
        if (spelled_before(a, text, start))
            continue;
        td_buf_append(out, text + copied, start - copied);
        td_buf_printf(out, "%s (%s)", a->expansion, a->abbr);
        copied = i;
        n++;
    }
    if (n > 0)
        td_buf_append(out, text + copied, len - copied);
    return n;
}

static int run(void *arg, td_doc *doc, td_error *err)
{
    const state *st = arg;
    bool seen[MAX_ACRONYMS] = { false };
    td_buf out = TD_BUF_INIT;      /* reused for every segment */
    long total = 0;
    int rc = 0;

    for (size_t i = 0; i < td_doc_segment_count(doc) && rc == 0; i++) {
        td_segment *seg = td_doc_segment(doc, i);
        if (td_segment_kind(seg) != TD_SEG_SPEECH)
            continue;
        size_t len;
        const char *text = td_segment_text(seg, &len);
        td_buf_reset(&out);
        long n = spell_out(st, text, len, seen, &out);
        if (n == 0)
            continue;
        if (out.data == NULL || td_segment_set_text(doc, seg, out.data, out.len) != 0)
            rc = td_error_set(err, "out of memory");
        total += n;
    }
    td_buf_free(&out);
    if (rc == 0 && total > 0)
        td_doc_count_change(doc, "acronyms_spelled_out", total);
    return rc;
}

static const td_plugin spellout = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "spellout",
    .version = "1.0",
    .summary = "spells out acronyms at their first use: 'machine learning (ML)'",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(spellout)
