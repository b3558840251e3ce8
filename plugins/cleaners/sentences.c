/*
 * sentences.c - rebuilds sentences from caption dumps, which cut speech
 * every few words wherever the screen was full.
 *
 * Punctuated captions are split at sentence ends; each sentence starts at
 * the time of the line it starts in and ends with the line it ends in.
 * Lowercase captions without punctuation (automatic captions) are cut into
 * units at pauses and, when a unit grows past max_words, at the best break
 * in it; each unit then gets a capital, "I" for "i", and a period.  Lines
 * that repeat the one before (YouTube shows a line again when it scrolls)
 * are merged first.
 *
 * Only caption-like documents are touched: a format in the formats option,
 * or no speakers and many short timed segments.  Chats and turns are left
 * alone.  Events and headings stay where they are and end a unit, and so
 * does a change of speaker.
 *
 * Pauses: caption times have a resolution of one second, so the silence
 * after a line is estimated as the time to the next line minus the time
 * its words take (word_ms each).
 */
#include <transcriptd/transcriptd.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Words per segment at most for a document without a known format to be
 * taken for captions, and segments at least. */
#define CAPTION_WORDS 12
#define CAPTION_SEGMENTS 20

typedef struct wordlist {
    char **v;
    size_t n;
} wordlist;

/* What a word says about where units break (word.flags, lexicon). */
enum {
    WORD_NONFINAL = 1,      /* no unit ends with it */
    WORD_STARTER = 2,       /* units like to start with it */
    WORD_ENDS = 4,          /* it ends a sentence (. ? !) */
    WORD_LINE_END = 8,      /* the last word of its caption line */
    WORD_LOOKED_UP = 16     /* NONFINAL and STARTER are known */
};

/* Longest word the lexicon holds: words are keys of two 64-bit integers. */
#define LEX_WORD 16

typedef struct lex_key {
    uint64_t lo, hi;
} lex_key;

typedef struct lex_slot {
    lex_key key;            /* all zero: a free slot */
    uint8_t flags;
} lex_slot;

/*
 * The words of the starters and nonfinal options with their flags: an
 * open-addressing hash table keyed by the lower-case word packed into two
 * integers, looked up once per word of every document (a multiply and an
 * integer compare), built by init() and read-only after.
 */
typedef struct lexicon {
    lex_slot *slot;
    size_t mask;
    size_t longest;         /* longer words are not in it */
    /* By length, the first letters its words of that length have (bit
     * c - 'a', bit 26 for anything else): most words stop there. */
    uint32_t initials[LEX_WORD + 1];
} lexicon;

typedef struct scratch scratch;

typedef struct config {
    wordlist formats;
    lexicon words;
    long pause_ms, word_ms, max_words, min_words, overlap_words;
    double punctuated_share;
    /* Scratch arrays of finished runs, for the next (see scratch_take). */
    pthread_mutex_t lock;
    scratch *spare;
} config;

static const td_option options[] = {
    { "formats", TD_OPT_LIST, "captions",
      "document formats always treated as captions" },
    { "pause", TD_OPT_INT, "1000",
      "milliseconds of estimated silence after a line that end a unit (unpunctuated)" },
    { "word_ms", TD_OPT_INT, "300",
      "milliseconds one spoken word takes, to estimate pauses" },
    { "max_words", TD_OPT_INT, "30",
      "longest unit (unpunctuated; twice this for punctuated sentences)" },
    { "min_words", TD_OPT_INT, "4", "shortest unit a pause or a break may end" },
    { "overlap_words", TD_OPT_INT, "3",
      "a line starting with at least this many words that end the line before "
      "repeats them: they are merged" },
    { "punctuated_share", TD_OPT_DOUBLE, "0.2",
      "share of lines with a sentence end (. ? !) from which captions count as punctuated" },
    { "starters", TD_OPT_LIST, "so and but okay yeah now then because well um uh actually also",
      "words a unit likes to start with" },
    { "nonfinal", TD_OPT_LIST,
      "the a an to of and or but with for in on at from my your our their his her its "
      "is are was were be this that i i'm we you they it's very if than as by about "
      "into like just really kind sort going want um uh",
      "words a unit never ends with" },
    { NULL, 0, NULL, NULL },
};

/* ---- configuration ---------------------------------------------------------- */

static void wordlist_free(wordlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int wordlist_parse(wordlist *l, const char *s)
{
    while (*s) {
        size_t skip = strspn(s, " \t"), n;
        s += skip;
        if ((n = strcspn(s, " \t")) == 0)
            break;
        char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        l->v = v;
        if ((v[l->n] = strndup(s, n)) == NULL)
            return -ENOMEM;
        l->n++;
        s += n;
    }
    return 0;
}

static bool wordlist_has(const wordlist *l, const char *w, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && strncasecmp(l->v[i], w, len) == 0)
            return true;
    return false;
}

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

/* The key of a word of at most LEX_WORD bytes, in lower case. */
static lex_key lex_key_of(const char *w, size_t len)
{
    lex_key k = { 0, 0 };
    for (size_t i = 0; i < len && i < 8; i++)
        k.lo |= (uint64_t)(unsigned char)lower(w[i]) << (8 * i);
    for (size_t i = 8; i < len; i++)
        k.hi |= (uint64_t)(unsigned char)lower(w[i]) << (8 * (i - 8));
    return k;
}

static lex_slot *lexicon_slot(const lexicon *lx, lex_key k)
{
    uint64_t h = (k.lo ^ (k.hi * 0x9E3779B97F4A7C15u)) * 0xFF51AFD7ED558CCDu;
    for (size_t i = (size_t)(h >> 40) & lx->mask;; i = (i + 1) & lx->mask) {
        lex_slot *e = &lx->slot[i];
        if ((e->key.lo == k.lo && e->key.hi == k.hi) || (e->key.lo | e->key.hi) == 0)
            return e;
    }
}

static uint32_t initial_bit(char c)
{
    c = lower(c);
    return c >= 'a' && c <= 'z' ? 1u << (c - 'a') : 1u << 26;
}

static uint8_t lexicon_flags(const lexicon *lx, const char *w, size_t len)
{
    if (len == 0 || len > lx->longest || !(lx->initials[len] & initial_bit(w[0])))
        return 0;
    return lexicon_slot(lx, lex_key_of(w, len))->flags;
}

/* Adds the words of a list option with flag; -1 with err set on failure. */
static int lexicon_add(lexicon *lx, const wordlist *l, uint8_t flag, const char *option,
                       td_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t len = strlen(l->v[i]);
        if (len > LEX_WORD)
            return td_error_set(err, "%s: '%s' is longer than %d bytes", option, l->v[i],
                                LEX_WORD);
        lex_key k = lex_key_of(l->v[i], len);
        lex_slot *e = lexicon_slot(lx, k);
        if (len > lx->longest)
            lx->longest = len;
        if (len > 0)
            lx->initials[len] |= initial_bit(l->v[i][0]);
        e->key = k;
        e->flags |= flag;
    }
    return 0;
}

static int lexicon_build(lexicon *lx, const td_options *opts, td_error *err)
{
    wordlist starters = { NULL, 0 }, nonfinal = { NULL, 0 };
    int rc = -1;
    if (wordlist_parse(&starters, td_opt_string(opts, "starters")) != 0 ||
        wordlist_parse(&nonfinal, td_opt_string(opts, "nonfinal")) != 0) {
        td_error_set(err, "out of memory");
        goto out;
    }
    size_t cap = 16;
    while (cap < 2 * (starters.n + nonfinal.n))
        cap *= 2;
    lx->mask = cap - 1;
    if ((lx->slot = calloc(cap, sizeof(lex_slot))) == NULL) {
        td_error_set(err, "out of memory");
        goto out;
    }
    rc = lexicon_add(lx, &starters, WORD_STARTER, "starters", err);
    if (rc == 0)
        rc = lexicon_add(lx, &nonfinal, WORD_NONFINAL, "nonfinal", err);
out:
    wordlist_free(&starters);
    wordlist_free(&nonfinal);
    return rc;
}

static void scratch_free_all(config *c);

static void fini(void *state)
{
    config *c = state;
    if (c == NULL)
        return;
    scratch_free_all(c);
    pthread_mutex_destroy(&c->lock);
    wordlist_free(&c->formats);
    free(c->words.slot);
    free(c);
}

static int init(void **state, const td_options *opts, td_error *err)
{
    config *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return td_error_set(err, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    c->pause_ms = td_opt_int(opts, "pause");
    c->word_ms = td_opt_int(opts, "word_ms");
    c->max_words = td_opt_int(opts, "max_words");
    c->min_words = td_opt_int(opts, "min_words");
    c->overlap_words = td_opt_int(opts, "overlap_words");
    c->punctuated_share = td_opt_double(opts, "punctuated_share");
    if (wordlist_parse(&c->formats, td_opt_string(opts, "formats")) != 0) {
        fini(c);
        return td_error_set(err, "out of memory");
    }
    if (lexicon_build(&c->words, opts, err) != 0) {
        fini(c);
        return -1;
    }
    if (c->min_words < 1 || c->max_words < c->min_words + 1 || c->overlap_words < 1) {
        fini(c);
        return td_error_set(err, "need 1 <= min_words < max_words and overlap_words >= 1");
    }
    *state = c;
    return 0;
}

/* ---- the words of the document ------------------------------------------------ */

typedef struct word {
    const char *p;          /* in the segment's text (the document's arena) */
    uint32_t len;
    uint32_t line;
    uint8_t flags;          /* WORD_* */
} word;

/* A pause_after() that is no pause at all. */
#define NO_PAUSE (-100000L)

typedef struct line {
    td_ms start, end;
    long pause;             /* estimated silence after it (compact_words) */
    int speaker;
    bool barrier;           /* an event or heading, kept as it is */
    size_t seg;             /* its segment */
    size_t first, n;        /* its words still kept */
} line;

typedef struct counts {
    long lines, duplicates, overlaps, units, periods, capitals;
} counts;

/*
 * The arrays one run works in.  Growing them for every document costs more
 * than the work itself (realloc, then the kernel's fresh pages), so a run
 * takes a scratch a finished run gave back, under the config's lock: each
 * of several concurrent runs has its own, and none is shared.
 */
struct scratch {
    scratch *next;
    word *w;
    size_t capw;
    line *l;
    size_t capl;
    td_buf text;
};

typedef struct work {
    const config *c;
    word *w;
    size_t nw, capw;
    line *l;
    size_t nl, capl;
    td_buf text;
    counts k;
    int rc;
} work;

static void scratch_free_all(config *c)
{
    while (c->spare != NULL) {
        scratch *s = c->spare;
        c->spare = s->next;
        free(s->w);
        free(s->l);
        td_buf_free(&s->text);
        free(s);
    }
}

/* Starts a run's work with a spare scratch's arrays, if there is one. */
static void work_start(work *wk, config *c)
{
    pthread_mutex_lock(&c->lock);
    scratch *s = c->spare;
    if (s != NULL)
        c->spare = s->next;
    pthread_mutex_unlock(&c->lock);
    *wk = (work){ .c = c, .text = TD_BUF_INIT };
    if (s == NULL)
        return;
    wk->w = s->w, wk->capw = s->capw;
    wk->l = s->l, wk->capl = s->capl;
    wk->text = s->text;
    free(s);
}

/* Gives the run's arrays back for the next run. */
static void work_end(work *wk, config *c)
{
    scratch *s = malloc(sizeof(*s));
    if (s == NULL) {
        free(wk->w);
        free(wk->l);
        td_buf_free(&wk->text);
        return;
    }
    *s = (scratch){ NULL, wk->w, wk->capw, wk->l, wk->capl, wk->text };
    pthread_mutex_lock(&c->lock);
    s->next = c->spare;
    c->spare = s;
    pthread_mutex_unlock(&c->lock);
}

static void *grow(void *v, size_t *cap, size_t n, size_t size, int *rc)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 256;
    void *nv = realloc(v, c * size);
    if (nv == NULL) {
        *rc = -ENOMEM;
        return v;
    }
    *cap = c;
    return nv;
}

static word make_word(const config *c, const char *p, size_t len, size_t at_line);

/*
 * Where the word starting at i ends: the next space, or len.  Words are a
 * few bytes long, so eight are looked at at once rather than calling
 * memchr for each.
 */
static size_t word_end(const char *s, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        x ^= ones * ' ';                    /* a space becomes a zero byte */
        uint64_t zero = (x - ones) & ~x & highs;
        if (zero)
            return i + (size_t)__builtin_ctzll(zero) / 8;
    }
    while (i < len && s[i] != ' ')
        i++;
    return i;
}

static void add_line(work *wk, const td_doc *doc, size_t seg)
{
    const td_segment *s = td_doc_segment(doc, seg);
    wk->l = grow(wk->l, &wk->capl, wk->nl, sizeof(line), &wk->rc);
    if (wk->rc != 0)
        return;
    line *ln = &wk->l[wk->nl];
    *ln = (line){ .start = td_segment_start(s), .end = td_segment_end(s),
                  .pause = NO_PAUSE, .speaker = td_segment_speaker(s),
                  .barrier = td_segment_kind(s) != TD_SEG_SPEECH, .seg = seg,
                  .first = wk->nw };
    size_t len;
    const char *t = td_segment_text(s, &len);
    for (size_t i = 0; !ln->barrier && i < len && wk->rc == 0;) {
        while (i < len && t[i] == ' ')
            i++;
        size_t j = word_end(t, i, len);
        if (j == i)
            break;
        wk->w = grow(wk->w, &wk->capw, wk->nw, sizeof(word), &wk->rc);
        if (wk->rc == 0)
            wk->w[wk->nw++] = make_word(wk->c, t + i, j - i, wk->nl);
        i = j;
    }
    ln->n = wk->nw - ln->first;
    if (ln->n > 0)
        wk->w[wk->nw - 1].flags |= WORD_LINE_END;
    wk->nl++;
}

/* ---- which documents -------------------------------------------------------------- */

static bool caption_like(const config *c, const td_doc *doc)
{
    const char *format = td_doc_format(doc);
    if (format && wordlist_has(&c->formats, format, strlen(format)))
        return true;
    size_t n = td_doc_segment_count(doc), speech = 0, words = 0;
    if (td_doc_speaker_count(doc) > 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) != TD_SEG_SPEECH)
            continue;
        if (td_segment_start(s) == TD_TIME_UNKNOWN)
            return false;
        size_t len;
        const char *t = td_segment_text(s, &len);
        words += td_text_word_count(t, len);
        speech++;
    }
    return speech >= CAPTION_SEGMENTS && words <= speech * CAPTION_WORDS;
}

/* ---- words compared, and what they say -------------------------------------------- */

static bool is_trailing_punct(char c)
{
    return c == '.' || c == ',' || c == '?' || c == '!' || c == ';' || c == ':';
}

/* The word without trailing punctuation. */
static size_t core_len(const word *w)
{
    size_t n = w->len;
    while (n > 1 && is_trailing_punct(w->p[n - 1]))
        n--;
    return n;
}

static bool same_word(const word *a, const word *b)
{
    size_t n = core_len(a);
    if (n != core_len(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(a->p[i]) != lower(b->p[i]))
            return false;
    return true;
}

static const char *const ABBREVIATIONS[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", NULL
};

/* Whether the word ends a sentence: . ? ! (perhaps before a closing quote),
 * but not an abbreviation, an initial or an ellipsis. */
static bool ends_sentence(const word *w)
{
    size_t n = w->len;
    const char *p = w->p;
    unsigned char last = (unsigned char)p[n - 1];
    if ((last | 0x20) >= 'a' && (last | 0x20) <= 'z')
        return false;                                       /* most words */
    while (n > 0 && (p[n - 1] == '"' || p[n - 1] == '\'' || p[n - 1] == ')'))
        n--;
    if (n >= 3 && memcmp(p + n - 3, "\u201D", 3) == 0)    /* ” */
        n -= 3;
    else if (n >= 3 && memcmp(p + n - 3, "\u2019", 3) == 0)
        n -= 3;
    if (n == 0 || (p[n - 1] != '.' && p[n - 1] != '?' && p[n - 1] != '!'))
        return false;
    if (p[n - 1] != '.')
        return true;
    if (n >= 2 && p[n - 2] == '.')
        return false;                                       /* ... */
    if (n == 2 && isupper((unsigned char)p[0]))
        return false;                                       /* J. */
    for (size_t i = 0; ABBREVIATIONS[i]; i++)
        if (strlen(ABBREVIATIONS[i]) == n - 1 && strncasecmp(p, ABBREVIATIONS[i], n - 1) == 0)
            return false;
    return true;
}

static word make_word(const config *c, const char *p, size_t len, size_t at_line)
{
    (void)c;
    word w = { p, (uint32_t)len, (uint32_t)at_line, 0 };
    if (ends_sentence(&w))
        w.flags |= WORD_ENDS;
    return w;
}

/*
 * The word's flags with NONFINAL and STARTER, looked up the first time
 * they are asked for: most words are never a candidate for a break.
 */
static uint8_t word_flags(const work *wk, word *w)
{
    if (!(w->flags & WORD_LOOKED_UP))
        w->flags |= WORD_LOOKED_UP | lexicon_flags(&wk->c->words, w->p, core_len(w));
    return w->flags;
}

/* ---- merging repeated lines ---------------------------------------------------------- */

/* Whether the last k words of line a are the first k words of line b. */
static bool tail_is_head(const work *wk, const line *a, const line *b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (!same_word(&wk->w[a->first + a->n - k + i], &wk->w[b->first + i]))
            return false;
    return true;
}

/*
 * The number of words line b repeats from the end of line a: the longest
 * run of at least overlap_words, or all of b (two words or more) when b
 * repeats the end of a whole.  0 when none.
 */
static size_t overlap(const work *wk, const line *a, const line *b)
{
    size_t most = a->n < b->n ? a->n : b->n;
    const word *head = &wk->w[b->first];
    char first = lower(head->p[0]);
    for (size_t k = most; k >= 2; k--) {
        const word *w = &wk->w[a->first + a->n - k];
        if (lower(w->p[0]) != first)
            continue;                   /* most lines: nothing repeated */
        if ((k >= (size_t)wk->c->overlap_words || k == b->n) && tail_is_head(wk, a, b, k))
            return k;
    }
    return 0;
}

static void merge_repeats(work *wk)
{
    line *prev = NULL;
    for (size_t i = 0; i < wk->nl; i++) {
        line *ln = &wk->l[i];
        if (ln->barrier) {
            prev = NULL;
            continue;
        }
        if (ln->n == 0)
            continue;
        wk->k.lines++;
        size_t k = prev && prev->speaker == ln->speaker ? overlap(wk, prev, ln) : 0;
        if (k == ln->n) {
            /* The line shown again: the one before lasts until it goes. */
            wk->k.duplicates++;
            ln->n = 0;
            prev->end = ln->end;
            continue;
        }
        if (k > 0) {
            wk->k.overlaps++;
            ln->first += k;
            ln->n -= k;
        }
        prev = ln;
    }
}

static bool punctuated(const work *wk)
{
    size_t lines = 0, ended = 0;
    for (size_t i = 0; i < wk->nl; i++) {
        const line *ln = &wk->l[i];
        if (ln->barrier || ln->n == 0)
            continue;
        lines++;
        for (size_t j = 0; j < ln->n; j++)
            if (wk->w[ln->first + j].flags & WORD_ENDS) {
                ended++;
                break;
            }
    }
    return lines > 0 && (double)ended >= wk->c->punctuated_share * (double)lines;
}

/* ---- where units break ------------------------------------------------------------------ */

/*
 * A run of words that cut_run() makes units of: words [begin, end) of the
 * work, which compact_words() left in order without the ones merged away.
 */
typedef struct stream {
    size_t begin, end;
} stream;

/* Estimated silence after the line of word at if it is the line's last
 * word, else a large negative number. */
static inline long pause_after(const work *wk, size_t at)
{
    const word *w = &wk->w[at];
    return w->flags & WORD_LINE_END ? wk->l[w->line].pause : NO_PAUSE;
}


/* Scores of a break (higher is better): a pause of 1000 ms is worth 20. */
enum { SCORE_STARTER = 15, SCORE_NONFINAL = -1000, MS_PER_POINT = 50 };

/*
 * The best place to break the unit of words from..to, keeping at least
 * min_words on the left: the highest score, the latest of equals (longer
 * units).  A break scores its pause, a word after it that units start
 * with, and a word before it that no unit ends with (worse than any pause
 * is good: "and." ends no unit while another place can).  Walking from the
 * end, a place that cannot beat the best so far even with a starter after
 * it is passed without looking its words up.
 */
static size_t best_break(const work *wk, const stream *s, size_t from, size_t to)
{
    size_t best = to - 1;
    long best_score = LONG_MIN;
    size_t first = from + (size_t)wk->c->min_words - 1;
    for (size_t at = to; at-- > first;) {
        long pause = pause_after(wk, at);
        long score = pause > 0 ? pause / MS_PER_POINT : 0;
        if (score + SCORE_STARTER <= best_score)
            continue;
        if (at + 1 < s->end && (word_flags(wk, &wk->w[at + 1]) & WORD_STARTER))
            score += SCORE_STARTER;
        if (score <= best_score)
            continue;
        if (word_flags(wk, &wk->w[at]) & WORD_NONFINAL)
            score += SCORE_NONFINAL;
        if (score > best_score) {
            best_score = score;
            best = at;
        }
    }
    return best;
}

/* ---- writing the units ------------------------------------------------------------------- */

static bool is_i_word(const char *p, size_t n)
{
    if (p[0] != 'i' || (n > 1 && p[1] != '\'' && (unsigned char)p[1] != 0xE2))
        return false;
    static const char *const forms[] = { "i", "i'm", "i've", "i'd", "i'll",
                                         "i\u2019m", "i\u2019ve", "i\u2019d", "i\u2019ll", NULL };
    for (size_t i = 0; forms[i]; i++)
        if (strlen(forms[i]) == n && memcmp(forms[i], p, n) == 0)
            return true;
    return false;
}

/* Capitalises the first letter of text from byte at; true if it changed. */
static bool capitalise(td_buf *b, size_t at)
{
    int32_t cp;
    int n = td_utf8_decode(b->data + at, b->len - at, &cp);
    if (n <= 0)
        return false;
    int32_t up = utf8proc_toupper(cp);
    char enc[4];
    if (up == cp || td_utf8_encode(up, enc) != n)
        return false;       /* the rare letter whose capital is longer stays */
    memcpy(b->data + at, enc, (size_t)n);
    return true;
}

/* Ends the unit with a period unless it ends a sentence already. */
static void end_with_period(work *wk)
{
    td_buf *b = &wk->text;
    while (b->len > 0 && strchr(",;:- ", b->data[b->len - 1]) != NULL)
        b->data[--b->len] = '\0';
    word last = { b->data, (uint32_t)b->len, 0 };
    const char *sp = memrchr(b->data, ' ', b->len);
    if (sp != NULL)
        last = (word){ sp + 1, (uint32_t)(b->len - (size_t)(sp + 1 - b->data)), 0 };
    if (b->len == 0 || ends_sentence(&last) || b->data[b->len - 1] == '.')
        return;
    wk->rc |= td_buf_putc(b, '.');
    wk->k.periods++;
}

/*
 * Appends the unit of words from..to as a segment.  Words that
 * follow each other in one caption line are copied as one run of bytes.
 */
static void emit(work *wk, td_doc *doc, size_t from, size_t to)
{
    if (from >= to || wk->rc != 0)
        return;
    td_buf *b = &wk->text;
    size_t total = to - from;                   /* the spaces, and a period */
    for (size_t at = from; at < to; at++)
        total += wk->w[at].len;
    td_buf_reset(b);
    if ((wk->rc = td_buf_reserve(b, total)) != 0)
        return;
    char *o = b->data;
    const word *run = &wk->w[from];
    const char *run_end = run->p + run->len;
    for (size_t at = from + 1; at <= to; at++) {
        const word *w = at < to ? &wk->w[at] : NULL;
        if (w != NULL && w->p == run_end + 1 && run_end[0] == ' ') {
            run_end = w->p + w->len;
            continue;
        }
        if (o > b->data)
            *o++ = ' ';
        memcpy(o, run->p, (size_t)(run_end - run->p));
        o += run_end - run->p;
        if (w != NULL) {
            run = w;
            run_end = w->p + w->len;
        }
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    /* The text is the words joined by single spaces: "i" -> "I" in place. */
    for (size_t at = from, pos = 0; at < to; at++) {
        const word *w = &wk->w[at];
        if (w->p[0] == 'i' && is_i_word(w->p, core_len(w))) {
            b->data[pos] = 'I';
            wk->k.capitals++;
        }
        pos += w->len + 1;
    }
    wk->k.capitals += capitalise(b, 0);
    end_with_period(wk);
    const line *first = &wk->l[wk->w[from].line];
    const line *last = &wk->l[wk->w[to - 1].line];
    if (wk->rc == 0)
        wk->rc = td_doc_add_segment(doc, first->start, last->end, first->speaker,
                                    TD_SEG_SPEECH, b->data, b->len);
    wk->k.units++;
}

/* Appends a barrier segment again, as it was. */
static void copy_segment(work *wk, td_doc *doc, size_t seg)
{
    const td_segment *s = td_doc_segment(doc, seg);
    size_t len;
    const char *text = td_segment_text(s, &len);
    const char *label = td_segment_label(s);
    if (wk->rc != 0)
        return;
    wk->rc = td_doc_add_segment(doc, td_segment_start(s), td_segment_end(s),
                                td_segment_speaker(s), td_segment_kind(s), text, len);
    if (wk->rc == 0 && label != NULL)
        wk->rc = td_segment_set_label(doc, td_doc_segment(doc, td_doc_segment_count(doc) - 1),
                                      label);
}

/*
 * Cuts the words of lines first..last (no barrier among them, one
 * speaker) into units and appends them.
 */
static void cut_run(work *wk, td_doc *doc, const stream *s, bool punct)
{
    size_t from = s->begin;
    size_t limit = (size_t)wk->c->max_words * (punct ? 2 : 1);
    for (size_t at = s->begin; at < s->end && wk->rc == 0; at++) {
        word *w = &wk->w[at];
        size_t len = at - from + 1;
        bool end = punct ? (w->flags & WORD_ENDS) != 0
                         : (len >= (size_t)wk->c->min_words &&
                            pause_after(wk, at) >= wk->c->pause_ms &&
                            !(word_flags(wk, w) & WORD_NONFINAL));
        if (end) {
            emit(wk, doc, from, at + 1);
            from = at + 1;
        } else if (len >= limit) {
            size_t b = best_break(wk, s, from, at + 1);
            emit(wk, doc, from, b + 1);
            from = b + 1;
        }
    }
    emit(wk, doc, from, s->end);
}

/*
 * Drops the words merged away, so that those left are in order one after
 * the other, and estimates the pause after each line from what is left.
 */
static void compact_words(work *wk)
{
    size_t to = 0;
    for (size_t i = 0; i < wk->nl; i++) {
        line *ln = &wk->l[i];
        if (ln->first != to)                    /* only after a merge */
            memmove(&wk->w[to], &wk->w[ln->first], ln->n * sizeof(word));
        ln->first = to;
        to += ln->n;
        ln->pause = ln->end == TD_TIME_UNKNOWN ? NO_PAUSE
                    : (long)(ln->end - ln->start) - (long)ln->n * wk->c->word_ms;
    }
    wk->nw = to;
}

/* Walks the lines: runs of speech by one speaker, and barriers between. */
static void rebuild(work *wk, td_doc *doc, bool punct)
{
    stream s = { 0, 0 };
    int speaker = TD_NO_SPEAKER;
    for (size_t i = 0; i <= wk->nl && wk->rc == 0; i++) {
        const line *ln = i < wk->nl ? &wk->l[i] : NULL;
        bool flush = ln == NULL || ln->barrier || (ln->n > 0 && ln->speaker != speaker);
        if (flush && s.end > s.begin) {
            cut_run(wk, doc, &s, punct);
            s.begin = s.end;
        }
        if (ln == NULL)
            break;
        if (ln->barrier) {
            copy_segment(wk, doc, ln->seg);
            continue;
        }
        if (ln->n > 0) {
            speaker = ln->speaker;
            s.end = ln->first + ln->n;
        }
    }
}

static void report(td_doc *doc, const counts *k, bool punct)
{
    td_doc_count_change(doc, "lines", k->lines);
    td_doc_count_change(doc, punct ? "sentences" : "units", k->units);
    td_doc_count_change(doc, "duplicates", k->duplicates);
    td_doc_count_change(doc, "overlaps", k->overlaps);
    td_doc_count_change(doc, "periods", k->periods);
    td_doc_count_change(doc, "capitals", k->capitals);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    config *c = state;
    work wk;
    size_t n = td_doc_segment_count(doc);

    if (n == 0 || !caption_like(c, doc))
        return 0;
    work_start(&wk, c);
    for (size_t i = 0; i < n && wk.rc == 0; i++)
        add_line(&wk, doc, i);
    bool punct = false;
    if (wk.rc == 0) {
        merge_repeats(&wk);
        compact_words(&wk);
        punct = punctuated(&wk);
        rebuild(&wk, doc, punct);
    }
    if (wk.rc == 0)
        wk.rc = td_doc_remove_segments(doc, 0, n);
    work_end(&wk, c);
    if (wk.rc != 0)
        return td_error_set(err, "out of memory");
    report(doc, &wk.k, punct);
    return 0;
}

static const td_plugin sentences = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "sentences",
    .version = "1.0",
    .summary = "caption dumps -> sentences (punctuated) or units cut at pauses (unpunctuated)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(sentences)
