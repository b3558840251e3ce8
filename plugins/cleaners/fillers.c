/*
 * fillers.c - removes hesitations (um, uh, erm, hmm) and collapses
 * stutters ("the the", "I I", "check it out check it out").
 *
 * Fillers are matched as whole words, in any case, with their letters
 * drawn out ("ummm" is "um").  Punctuation around a filler is kept right:
 * "I, uh, think" becomes "I think", "that is, um." becomes "that is." and
 * "Um, so" at the start of a sentence becomes "So".  A stutter is a word
 * or a run of up to stutter_words words said twice with nothing between;
 * "No, no" (a comma between) and the words of stutter_keep ("that that",
 * "very very") are speech and stay.  Backchannels (mm-hmm, uh-huh) and
 * words that carry meaning (like, you know) stay unless listed in words
 * or discourse.
 */
#include "common/space_bits.h"

#include <transcriptd/transcriptd.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Longest filler looked at, after drawn-out letters are collapsed. */
#define MAX_FILLER 15

typedef struct phrase {
    char **w;               /* lower-case words */
    size_t n;
} phrase;

typedef struct config {
    char (*fillers)[MAX_FILLER + 1];
    size_t nfillers;
    bool first_letter[256];     /* letters fillers start with */
    bool letter[256];           /* letters fillers are made of */
    phrase *keep;           /* one word each */
    size_t nkeep;
    phrase *discourse;
    size_t ndiscourse;
    bool stutters;
    size_t stutter_words;
} config;

static const td_option options[] = {
    { "words", TD_OPT_LIST, "um uh uhm erm hmm",
      "fillers removed; drawn-out forms (umm, uhhh, hmmm) match too" },
    { "stutters", TD_OPT_BOOL, "yes", "collapse words said twice: the the -> the" },
    { "stutter_words", TD_OPT_INT, "3",
      "longest run of words collapsed when said twice (check it out check it out)" },
    { "stutter_keep", TD_OPT_LIST, "that had very really no bye so yeah okay ha",
      "words whose doubling is speech and stays" },
    { "discourse", TD_OPT_LIST, "",
      "discourse markers removed where commas set them off; join words with _ "
      "(like you_know i_mean)" },
    { NULL, 0, NULL, NULL },
};

/* ---- configuration ---------------------------------------------------------- */

/* "Ummm" -> "um": lower case, runs of one letter made one.  Returns the
 * length, or 0 when w is too long to be a filler. */
static size_t collapse(const char *w, size_t len, char out[MAX_FILLER + 1])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = (char)tolower((unsigned char)w[i]);
        if (n > 0 && out[n - 1] == c)
            continue;
        if (n == MAX_FILLER)
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return n;
}

static void phrases_free(phrase *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p[i].n; j++)
            free(p[i].w[j]);
        free(p[i].w);
    }
    free(p);
}

/* Appends the word w[0..len) in lower case to p. */
static int add_word(phrase *p, const char *w, size_t len)
{
    char **v = realloc(p->w, (p->n + 1) * sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    p->w = v;
    if ((v[p->n] = strndup(w, len)) == NULL)
        return -ENOMEM;
    for (char *c = v[p->n++]; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return 0;
}

/* Items of a list option, each split on sep ('\0': not split) into words. */
static int parse_phrases(const char *list, char sep, phrase **out, size_t *n)
{
    for (const char *s = list; *s;) {
        s += strspn(s, " \t");
        size_t len = strcspn(s, " \t");
        if (len == 0)
            break;
        phrase *p = realloc(*out, (*n + 1) * sizeof(*p));
        if (p == NULL)
            return -ENOMEM;
        *out = p;
        p = &p[(*n)++];
        *p = (phrase){ NULL, 0 };
        for (size_t i = 0; i < len;) {
            size_t w = 0;
            while (i + w < len && s[i + w] != sep)
                w++;
            if (add_word(p, s + i, w) != 0)
                return -ENOMEM;
            i += w + 1;
        }
        s += len;
    }
    return 0;
}

static void fini(void *state)
{
    config *c = state;
    if (c == NULL)
        return;
    free(c->fillers);
    phrases_free(c->keep, c->nkeep);
    phrases_free(c->discourse, c->ndiscourse);
    free(c);
}

/* The filler list, collapsed ("umm" -> "um"), with the letters they start with. */
static int set_fillers(config *c, const phrase *words, size_t n, td_error *err)
{
    if ((c->fillers = calloc(n + 1, sizeof(*c->fillers))) == NULL)
        return td_error_set(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i].w[0];
        if (collapse(w, strlen(w), c->fillers[c->nfillers]) == 0)
            return td_error_set(err, "words: '%s' is too long for a filler", w);
        for (const char *l = c->fillers[c->nfillers]; *l; l++)
            c->letter[(unsigned char)*l] = true;
        c->first_letter[(unsigned char)c->fillers[c->nfillers++][0]] = true;
    }
    return 0;
}

static int init(void **state, const td_options *opts, td_error *err)
{
    config *c = calloc(1, sizeof(*c));
    phrase *words = NULL;
    size_t nwords = 0;
    int rc;

    if (c == NULL)
        return td_error_set(err, "out of memory");
    c->stutters = td_opt_bool(opts, "stutters");
    long long sw = td_opt_int(opts, "stutter_words");
    c->stutter_words = sw < 1 ? 1 : sw > 8 ? 8 : (size_t)sw;
    if (parse_phrases(td_opt_string(opts, "words"), '\0', &words, &nwords) != 0 ||
        parse_phrases(td_opt_string(opts, "stutter_keep"), '\0', &c->keep, &c->nkeep) != 0 ||
        parse_phrases(td_opt_string(opts, "discourse"), '_', &c->discourse, &c->ndiscourse) != 0)
        rc = td_error_set(err, "out of memory");
    else
        rc = set_fillers(c, words, nwords, err);
    phrases_free(words, nwords);
    if (rc != 0) {
        fini(c);
        return -1;
    }
    *state = c;
    return 0;
}

/* ---- tokens -------------------------------------------------------------------- */

/*
 * A word as written: lead punctuation, the word itself (core), trailing
 * punctuation.  Lead and trail may be moved to a neighbour when a word is
 * dropped.
 */
typedef struct token {
    const char *lead, *core, *trail;
    uint16_t nlead;
    uint16_t ntrail;
    uint32_t ncore;
    uint32_t key;           /* first letter in lower case and length: a quick compare */
    bool cap;               /* capitalise when written */
} token;

static bool trail_char(const char *s, size_t i)
{
    switch (s[i]) {
    case '.': case ',': case '?': case '!': case ';': case ':': case '-':
        return true;
    default:
        return false;
    }
}

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

/* Bytes a word may start with that are not part of it, and bytes it may
 * end with that may not be (0xA6 ends "…"): most words have neither. */
static const bool LEAD_BYTE[256] = { ['('] = true, ['"'] = true, ['\''] = true };
static const bool TRAIL_BYTE[256] = {
    ['.'] = true, [','] = true, ['?'] = true, ['!'] = true, [';'] = true,
    [':'] = true, ['-'] = true, [0xA6] = true,
};

/* Splits the word s[0..len) into lead, core and trail. */
static token tokenize(const char *s, size_t len)
{
    size_t lead = 0, end = len;
    if (LEAD_BYTE[(unsigned char)s[0]] || TRAIL_BYTE[(unsigned char)s[len - 1]]) {
        while (lead < len && (s[lead] == '(' || s[lead] == '"' || s[lead] == '\''))
            lead++;
        for (;;) {
            if (end > lead + 1 && trail_char(s, end - 1))
                end--;
            else if (end >= lead + 4 && (unsigned char)s[end - 1] == 0xA6 &&
                     memcmp(s + end - 3, "\u2026", 3) == 0)
                end -= 3;
            else
                break;
        }
    }
    size_t n = end - lead;
    return (token){ s, s + lead, s + end, (uint16_t)lead, (uint16_t)(len - end),
                    (uint32_t)n, (uint32_t)(unsigned char)lower(s[lead]) | (uint32_t)n << 8,
                    false };
}

static bool same_core(const token *a, const token *b)
{
    if (a->key != b->key)
        return false;
    for (size_t i = 0; i < a->ncore; i++)
        if (lower(a->core[i]) != lower(b->core[i]))
            return false;
    return true;
}

static bool core_is(const token *t, const char *w)
{
    return strlen(w) == t->ncore && strncasecmp(t->core, w, t->ncore) == 0;
}

static bool ends_sentence(const token *t)
{
    return t->ntrail > 0 && (t->trail[0] == '.' || t->trail[0] == '?' ||
                             t->trail[0] == '!' || (unsigned char)t->trail[0] == 0xE2);
}

/* Whether the word core[0..n) is a filler ("Ummm" is "um"). */
static bool is_filler_word(const config *c, const char *core, size_t n)
{
    char buf[MAX_FILLER + 1];
    if (!c->first_letter[(unsigned char)lower(core[0])] || n > 2 * MAX_FILLER)
        return false;
    for (size_t i = 1; i < n; i++)
        if (!c->letter[(unsigned char)lower(core[i])])
            return false;                   /* "have": not made of u, m, h, e, r */
    if (collapse(core, n, buf) == 0)
        return false;
    for (size_t i = 0; i < c->nfillers; i++)
        if (strcmp(buf, c->fillers[i]) == 0)
            return true;
    return false;
}

static bool is_filler(const config *c, const token *t)
{
    return is_filler_word(c, t->core, t->ncore);
}

static bool keep_doubled(const config *c, const token *t)
{
    for (size_t i = 0; i < c->nkeep; i++)
        if (core_is(t, c->keep[i].w[0]))
            return true;
    return false;
}

/* ---- one segment ---------------------------------------------------------------- */

typedef struct counts {
    long fillers, stutters, discourse, segments_dropped;
} counts;

/*
 * One segment's words, kept so far (out), and what the pass carries from
 * a dropped word to the next kept one: a capital and lead punctuation.
 */
typedef struct scratch {
    token *out;
    size_t nout, cap;
    bool cap_next;
    token lead;             /* lead.nlead > 0: lead punctuation to pass on */
    td_buf text;
    counts k;
    int rc;
} scratch;

/*
 * Drops the words first..last (a filler or a discourse marker, not in
 * out): a sentence end after them moves to the word before, commas around
 * them go, and a capital or an opening quote they began with passes on.
 */
static void drop_words(scratch *sc, const token *first, const token *last)
{
    token *prev = sc->nout > 0 ? &sc->out[sc->nout - 1] : NULL;
    bool starts = prev == NULL || ends_sentence(prev);
    if (ends_sentence(last)) {
        if (prev != NULL && !ends_sentence(prev)) {
            prev->trail = last->trail;
            prev->ntrail = last->ntrail;
        }
    } else if (prev != NULL && prev->ntrail == 1 && prev->trail[0] == ',' &&
               last->ntrail > 0 && last->trail[0] == ',') {
        prev->ntrail = 0;                           /* "I, uh, think" */
    }
    /* "Um, so" -> "So", "Done. uh but" -> "Done. But" */
    if (first->cap || (starts && (prev != NULL || isupper((unsigned char)first->core[0]))))
        sc->cap_next = true;
    if (first->nlead > 0)
        sc->lead = *first;                          /* "Uh, yeah -> "Yeah */
}

/* Keeps the word tokenized just past the end of out, with what a dropped
 * word passed on. */
static void keep(scratch *sc)
{
    token *o = &sc->out[sc->nout++];
    o->cap = sc->cap_next;
    if (sc->lead.nlead > 0 && o->nlead == 0) {
        o->lead = sc->lead.lead;
        o->nlead = sc->lead.nlead;
    }
    sc->lead.nlead = 0;
    sc->cap_next = false;
}

/*
 * A discourse marker just kept, at the end of out and set off by commas
 * (or a sentence edge, or the segment's end when at_end): dropped again.
 */
static bool drop_discourse(const config *c, scratch *sc, bool at_end)
{
    for (size_t d = 0; d < c->ndiscourse; d++) {
        const phrase *ph = &c->discourse[d];
        if (ph->n > sc->nout)
            continue;
        size_t from = sc->nout - ph->n, k = 0;
        const token *w = &sc->out[from];
        while (k < ph->n && core_is(&w[k], ph->w[k]) && w[k].nlead == 0 &&
               (k + 1 == ph->n || w[k].ntrail == 0))
            k++;
        const token *before = from > 0 ? &sc->out[from - 1] : NULL;
        bool open = before == NULL || ends_sentence(before) ||
                    (before->ntrail > 0 && before->trail[0] == ',');
        if (k < ph->n || !open || (!at_end && w[k - 1].ntrail == 0))
            continue;
        token first = w[0], last = w[k - 1];
        sc->nout = from;
        drop_words(sc, &first, &last);
        sc->k.discourse++;
        return true;
    }
    return false;
}

/*
 * The last n words of out said right after the n before them (nothing
 * between the copies, nothing inside the second): the second copy goes
 * and the first takes what followed it.
 */
static void drop_repeat(const config *c, scratch *sc)
{
    for (size_t n = c->stutter_words; n >= 1; n--) {
        if (2 * n > sc->nout)
            continue;
        token *a = &sc->out[sc->nout - 2 * n], *b = a + n;
        if (a->key != b->key)
            continue;                       /* most words: not a repeat */
        size_t k = 0;
        while (k < n && same_core(&a[k], &b[k]) && b[k].nlead == 0 &&
               (a[k].ntrail == 0 || (k + 1 == n && a[k].ntrail == 1 && a[k].trail[0] == '-')) &&
               (k + 1 == n || b[k].ntrail == 0))
            k++;
        if (k < n || (n == 1 && keep_doubled(c, a)))
            continue;
        a[n - 1].trail = b[n - 1].trail;
        a[n - 1].ntrail = b[n - 1].ntrail;
        sc->nout -= n;
        sc->k.stutters++;
        return;
    }
}

/* Takes the word w[0..n) into the pass: dropped, kept, or collapsed. */
static void take_word(const config *c, scratch *sc, const char *w, size_t n)
{
    /* Made where it is kept: most words are. */
    token *t = &sc->out[sc->nout];
    *t = tokenize(w, n);
    if (is_filler(c, t)) {
        drop_words(sc, t, t);
        sc->k.fillers++;
        return;
    }
    keep(sc);
    if (c->ndiscourse > 0 && drop_discourse(c, sc, false))
        return;
    if (c->stutters)
        drop_repeat(c, sc);
}

typedef struct taking {
    const config *c;
    scratch *sc;
    const char *text;
} taking;

static void took_word(void *ctx, size_t start, size_t end)
{
    const taking *t = ctx;
    take_word(t->c, t->sc, t->text + start, end - start);
}

/* One pass over the words of text: out holds the words kept. */
static int clean_words(const config *c, scratch *sc, const char *text, size_t len)
{
    sc->nout = 0;
    sc->cap_next = false;
    sc->lead.nlead = 0;
    if (len / 2 + 1 > sc->cap) {
        size_t cap = sc->cap ? sc->cap : 128;
        while (cap < len / 2 + 1)
            cap *= 2;
        token *out = realloc(sc->out, cap * sizeof(*out));
        if (out == NULL)
            return -ENOMEM;
        sc->out = out;
        sc->cap = cap;
    }
    space_words(text, len, took_word, &(taking){ c, sc, text });
    if (c->ndiscourse > 0)
        drop_discourse(c, sc, true);
    return 0;
}

/* Upper-cases the first letter at b->data[at] when its capital is as long. */
static void capitalise(td_buf *b, size_t at)
{
    int32_t cp;
    int n = td_utf8_decode(b->data + at, b->len - at, &cp);
    char enc[4];
    if (n > 0 && td_utf8_encode(utf8proc_toupper(cp), enc) == n)
        memcpy(b->data + at, enc, (size_t)n);
}

/* Where the token's last byte ends in the text. */
static const char *word_end_of(const token *t)
{
    return t->trail + t->ntrail;
}

/* Whether the token's lead, core and trail follow each other in the text. */
static bool whole(const token *t)
{
    return t->lead + t->nlead == t->core && t->core + t->ncore == t->trail;
}

/* Joins the kept tokens into sc->text, in one allocation. */
static void write_tokens(scratch *sc)
{
    td_buf *b = &sc->text;
    size_t total = 0;
    for (size_t i = 0; i < sc->nout; i++)
        total += 1 + sc->out[i].nlead + sc->out[i].ncore + sc->out[i].ntrail;
    td_buf_reset(b);
    if ((sc->rc = td_buf_reserve(b, total)) != 0)
        return;
    char *o = b->data;
    for (size_t i = 0; i < sc->nout;) {
        if (i > 0)
            *o++ = ' ';
        /* Words as written, one space apart in the text: copied at once. */
        const token *first = &sc->out[i];
        size_t j = i + 1;
        while (j < sc->nout && whole(&sc->out[j - 1]) && whole(&sc->out[j]) &&
               sc->out[j].lead == word_end_of(&sc->out[j - 1]) + 1 &&
               word_end_of(&sc->out[j - 1])[0] == ' ')
            j++;
        if (j > i + 1) {
            size_t n = (size_t)(word_end_of(&sc->out[j - 1]) - first->lead);
            memcpy(o, first->lead, n);
            b->len = (size_t)(o - b->data) + n;
            for (size_t k = i; k < j; k++)
                if (sc->out[k].cap)
                    capitalise(b, (size_t)(o - b->data) + (size_t)(sc->out[k].core - first->lead));
            o += n;
            i = j;
            continue;
        }
        const token *t = first;
        memcpy(o, t->lead, t->nlead);
        o += t->nlead;
        memcpy(o, t->core, t->ncore);
        if (t->cap) {
            b->len = (size_t)(o - b->data) + t->ncore;
            capitalise(b, (size_t)(o - b->data));
        }
        o += t->ncore;
        memcpy(o, t->trail, t->ntrail);
        o += t->ntrail;
        i++;
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
}

/* Cleans one text; true when it changed (the result is in sc->text). */
static bool clean(const config *c, scratch *sc, const char *text, size_t len)
{
    counts before = sc->k;
    if ((sc->rc = clean_words(c, sc, text, len)) != 0)
        return false;
    if (sc->k.fillers == before.fillers && sc->k.stutters == before.stutters &&
        sc->k.discourse == before.discourse)
        return false;
    write_tokens(sc);
    return sc->rc == 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    const config *c = state;
    scratch sc = { .text = TD_BUF_INIT };

    for (size_t i = 0; i < td_doc_segment_count(doc) && sc.rc == 0; i++) {
        td_segment *seg = td_doc_segment(doc, i);
        if (td_segment_kind(seg) != TD_SEG_SPEECH)
            continue;
        size_t len;
        const char *text = td_segment_text(seg, &len);
        if (!clean(c, &sc, text, len))
            continue;
        if (sc.text.len == 0) {
            td_segment_drop(seg);               /* it was all "um" */
            sc.k.segments_dropped++;
        } else {
            sc.rc = td_segment_set_text(doc, seg, sc.text.data, sc.text.len);
        }
    }
    free(sc.out);
    td_buf_free(&sc.text);
    if (sc.rc != 0)
        return td_error_set(err, "out of memory");
    td_doc_count_change(doc, "fillers", sc.k.fillers);
    td_doc_count_change(doc, "stutters", sc.k.stutters);
    if (c->ndiscourse > 0)
        td_doc_count_change(doc, "discourse", sc.k.discourse);
    td_doc_count_change(doc, "segments_dropped", sc.k.segments_dropped);
    return 0;
}

static const td_plugin fillers = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "fillers",
    .version = "1.0",
    .summary = "removes um, uh, erm, hmm and collapses stutters (the the -> the)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(fillers)
