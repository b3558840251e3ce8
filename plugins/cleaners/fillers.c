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
    uint32_t ncore;
    uint16_t ntrail;
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

/* Splits the word s[0..len) into lead, core and trail. */
static token tokenize(const char *s, size_t len)
{
    size_t lead = 0, end = len;
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
    return (token){ s, s + lead, s + end, (uint16_t)lead, (uint32_t)(end - lead),
                    (uint16_t)(len - end), false };
}

static bool same_core(const token *a, const token *b)
{
    if (a->ncore != b->ncore)
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

typedef struct scratch {
    token *in, *out;
    size_t nin, nout, cap;
    td_buf text;
    counts k;
    int rc;
} scratch;

static int split(scratch *sc, const char *text, size_t len)
{
    sc->nin = sc->nout = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && text[i] == ' ')
            i++;
        const char *sp = i < len ? memchr(text + i, ' ', len - i) : NULL;
        size_t j = sp ? (size_t)(sp - text) : len;
        if (j == i)
            break;
        if (sc->nin == sc->cap) {
            size_t cap = sc->cap ? sc->cap * 2 : 128;
            token *in = realloc(sc->in, cap * sizeof(*in));
            token *out = in ? realloc(sc->out, cap * sizeof(*out)) : NULL;
            if (in)
                sc->in = in;
            if (out == NULL)
                return -ENOMEM;
            sc->out = out;
            sc->cap = cap;
        }
        sc->in[sc->nin++] = tokenize(text + i, j - i);
        i = j;
    }
    return 0;
}

/*
 * Drops tokens in[from..to) (a filler or a discourse marker): a sentence
 * end after them moves to the word before, commas around them go, and a
 * capital they began a sentence with passes to the next word.
 */
static void drop_run(scratch *sc, size_t from, size_t to, bool *cap_next,
                     token *lead)
{
    const token *last = &sc->in[to - 1];
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
    if (starts && (prev != NULL || isupper((unsigned char)sc->in[from].core[0])))
        *cap_next = true;
    if (sc->in[from].nlead > 0)
        *lead = sc->in[from];                       /* "Uh, yeah -> "Yeah */
}

/* A discourse marker set off by commas (or a sentence edge) at in[i]: its
 * length in words, or 0. */
static size_t discourse_at(const config *c, const scratch *sc, size_t i)
{
    if (c->ndiscourse == 0)
        return 0;
    const token *prev = sc->nout > 0 ? &sc->out[sc->nout - 1] : NULL;
    bool open = prev == NULL || ends_sentence(prev) ||
                (prev->ntrail > 0 && prev->trail[0] == ',');
    for (size_t d = 0; open && d < c->ndiscourse; d++) {
        const phrase *ph = &c->discourse[d];
        if (i + ph->n > sc->nin)
            continue;
        size_t k = 0;
        while (k < ph->n && core_is(&sc->in[i + k], ph->w[k]) && sc->in[i + k].nlead == 0 &&
               (k + 1 == ph->n || sc->in[i + k].ntrail == 0))
            k++;
        const token *last = &sc->in[i + ph->n - 1];
        if (k == ph->n && (i + k == sc->nin || last->ntrail > 0))
            return k;
    }
    return 0;
}

/* Words in[i..i+n) said again right after out's last n words: n, else 0. */
static size_t repeat_at(const config *c, const scratch *sc, size_t i)
{
    for (size_t n = c->stutter_words; n >= 1; n--) {
        if (n > sc->nout || i + n > sc->nin)
            continue;
        const token *first = &sc->out[sc->nout - n];
        if (lower(first->core[0]) != lower(sc->in[i].core[0]))
            continue;                       /* most words: not a repeat */
        size_t k = 0;
        /* Nothing between the copies, and nothing inside the second one. */
        while (k < n && same_core(&first[k], &sc->in[i + k]) &&
               (first[k].ntrail == 0 || (k + 1 == n && first[k].trail[0] == '-' &&
                                         first[k].ntrail == 1)) &&
               (k + 1 == n || sc->in[i + k].ntrail == 0) && sc->in[i + k].nlead == 0)
            k++;
        if (k == n && !(n == 1 && keep_doubled(c, first)))
            return n;
    }
    return 0;
}

static void clean_tokens(const config *c, scratch *sc)
{
    bool cap_next = false;
    token lead = { .nlead = 0 };
    for (size_t i = 0; i < sc->nin;) {
        size_t n;
        if (is_filler(c, &sc->in[i])) {
            drop_run(sc, i, i + 1, &cap_next, &lead);
            sc->k.fillers++;
            i++;
        } else if ((n = discourse_at(c, sc, i)) > 0) {
            drop_run(sc, i, i + n, &cap_next, &lead);
            sc->k.discourse++;
            i += n;
        } else if (c->stutters && (n = repeat_at(c, sc, i)) > 0) {
            /* The first copy stays and takes what followed the second. */
            token *kept = &sc->out[sc->nout - 1];
            kept->trail = sc->in[i + n - 1].trail;
            kept->ntrail = sc->in[i + n - 1].ntrail;
            sc->k.stutters++;
            i += n;
        } else {
            token *t = &sc->out[sc->nout++];
            *t = sc->in[i++];
            t->cap = cap_next;
            if (lead.nlead > 0 && t->nlead == 0) {
                t->lead = lead.lead;
                t->nlead = lead.nlead;
            }
            lead.nlead = 0;
            cap_next = false;
        }
    }
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
    for (size_t i = 0; i < sc->nout; i++) {
        const token *t = &sc->out[i];
        if (i > 0)
            *o++ = ' ';
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
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
}

/* Cleans one text; true when it changed (the result is in sc->text). */
static bool clean(const config *c, scratch *sc, const char *text, size_t len)
{
    counts before = sc->k;
    if ((sc->rc = split(sc, text, len)) != 0)
        return false;
    clean_tokens(c, sc);
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
    free(sc.in);
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
