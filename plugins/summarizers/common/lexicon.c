/*
 * lexicon.c - see lexicon.h.
 */
#include "lexicon.h"

#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

/* term_of() ran out of memory. */
#define LEX_OOM (STRTAB_NONE - 1)

/* Words up to this many bytes are keyed by their bytes as two integers. */
#define SHORT_WORD 16

/*
 * A word of at most SHORT_WORD bytes (most words of any text), its bytes
 * zero-padded: one probe and two compares find it, no string compare.
 * Lower-cased letters and digits hold no zero byte, so the padding tells
 * the length.
 */
typedef struct short_word {
    uint64_t a, b;          /* a == 0: a free slot */
    uint32_t term;
} short_word;

struct lexicon {
    const stopwords *stop;
    struct sb_stemmer *stemmer;
    short_word *shorts;     /* open addressing, a power of two, at most half full */
    size_t nshorts, used;
    strtab words;           /* longer words -> term, or STRTAB_NONE */
    strtab terms;           /* stem -> term id */
};

/* The code point at s: ASCII directly, the rest through td_utf8_decode. */
static inline int decode(const char *s, size_t len, int32_t *cp)
{
    if ((unsigned char)s[0] < 0x80) {
        *cp = (unsigned char)s[0];
        return 1;
    }
    int k = td_utf8_decode(s, len, cp);
    return k > 0 ? k : 1;
}

/* Appends cp to a word buffer, lower-cased and with ’ as '; false when full. */
static bool put_lower(char *w, size_t *n, int32_t cp)
{
    char enc[4];
    if (cp < 0x80) {
        if (*n + 1 > LEX_MAX_WORD)
            return false;
        w[(*n)++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
        return true;
    }
    if (cp == 0x2019)
        cp = '\'';
    int k = td_utf8_encode(utf8proc_tolower(cp), enc);
    if (*n + (size_t)k > LEX_MAX_WORD)
        return false;
    memcpy(w + *n, enc, (size_t)k);
    *n += (size_t)k;
    return true;
}

int stopwords_load(stopwords *sw, const char *path, td_error *err)
{
    FILE *f = fopen(path, "r");
    char line[1024];

    memset(sw, 0, sizeof(*sw));
    snprintf(sw->path, sizeof(sw->path), "%s", path);
    if (f == NULL)
        return td_error_set(err, "cannot read stop words %s: %s", path, strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#')
            continue;
        for (char *save = NULL, *w = strtok_r(line, " \t\r\n", &save); w;
             w = strtok_r(NULL, " \t\r\n", &save)) {
            char lower[LEX_MAX_WORD];
            size_t n = 0, len = strlen(w);
            int32_t cp;
            for (size_t i = 0; i < len;) {
                int k = td_utf8_decode(w + i, len - i, &cp);
                i += k > 0 ? (size_t)k : 1;
                if (!put_lower(lower, &n, cp))
                    break;
            }
            if (strtab_intern(&sw->words, lower, n, 0, NULL) == STRTAB_NONE) {
                fclose(f);
                stopwords_free(sw);
                return td_error_set(err, "out of memory");
            }
        }
    }
    fclose(f);
    return 0;
}

bool stopwords_has(const stopwords *sw, const char *lower, size_t len)
{
    return strtab_find(&sw->words, lower, len) != STRTAB_NONE;
}

void stopwords_free(stopwords *sw)
{
    strtab_free(&sw->words);
}

int text_options_read(text_options *t, const td_options *opts, td_error *err)
{
    const char *language = td_opt_string(opts, "language");
    if (lexicon_check_language(language, err) != 0)
        return -1;
    snprintf(t->language, sizeof(t->language), "%s", language);
    return stopwords_load(&t->stop, td_opt_path(opts, "stopwords"), err);
}

void text_options_free(text_options *t)
{
    stopwords_free(&t->stop);
}

int lexicon_check_language(const char *language, td_error *err)
{
    struct sb_stemmer *s = sb_stemmer_new(language, NULL);
    if (s == NULL)
        return td_error_set(err, "libstemmer has no stemmer for language '%s'",
                            language);
    sb_stemmer_delete(s);
    return 0;
}

lexicon *lexicon_new(const stopwords *sw, const char *language)
{
    lexicon *lx = calloc(1, sizeof(*lx));
    if (lx == NULL)
        return NULL;
    lx->stop = sw;
    lx->stemmer = sb_stemmer_new(language, NULL);
    if (lx->stemmer == NULL) {
        free(lx);
        return NULL;
    }
    return lx;
}

void lexicon_free(lexicon *lx)
{
    if (lx == NULL)
        return;
    sb_stemmer_delete(lx->stemmer);
    free(lx->shorts);
    strtab_free(&lx->words);
    strtab_free(&lx->terms);
    free(lx);
}

size_t lexicon_term_count(const lexicon *lx) { return lx->terms.n; }

const char *lexicon_term(const lexicon *lx, uint32_t term, size_t *len)
{
    return strtab_str(&lx->terms, term, len);
}

/* Letters, marks and digits make words. */
static bool is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= '0' && cp <= '9');
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

static bool is_space_cp(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* The term of a word not seen yet: STRTAB_NONE for a stop word. */
static uint32_t new_term(lexicon *lx, const char *w, size_t n, bool letters)
{
    /* One letter, numbers and stop words carry no topic. */
    if (!letters || n < 2 || stopwords_has(lx->stop, w, n))
        return STRTAB_NONE;
    const sb_symbol *stem = sb_stemmer_stem(lx->stemmer, (const sb_symbol *)w, (int)n);
    if (stem == NULL)
        return LEX_OOM;
    uint32_t term = strtab_intern(&lx->terms, (const char *)stem,
                                  (size_t)sb_stemmer_length(lx->stemmer),
                                  (uint32_t)lx->terms.n, NULL);
    return term == STRTAB_NONE ? LEX_OOM : term;
}

static short_word *short_slot(const lexicon *lx, uint64_t a, uint64_t b)
{
    uint64_t key[2] = { a, b };
    size_t mask = lx->nshorts - 1;
    for (size_t i = (size_t)XXH3_64bits(key, sizeof(key)) & mask;; i = (i + 1) & mask) {
        short_word *e = &lx->shorts[i];
        if (e->a == 0 || (e->a == a && e->b == b))
            return e;
    }
}

static int grow_shorts(lexicon *lx)
{
    size_t old = lx->nshorts, n = old ? old * 2 : 2048;
    short_word *prev = lx->shorts;
    lx->shorts = calloc(n, sizeof(*lx->shorts));
    if (lx->shorts == NULL) {
        lx->shorts = prev;
        return -ENOMEM;
    }
    lx->nshorts = n;
    for (size_t i = 0; i < old; i++)
        if (prev[i].a != 0)
            *short_slot(lx, prev[i].a, prev[i].b) = prev[i];
    free(prev);
    return 0;
}

/*
 * The term of a lower-cased word, or STRTAB_NONE for a stop word; each
 * distinct word is looked up in the stop words and stemmed once.  A word
 * of at most SHORT_WORD bytes must be zero-padded to SHORT_WORD in w.
 */
static uint32_t term_of(lexicon *lx, const char *w, size_t n, bool letters)
{
    if (n <= SHORT_WORD) {
        uint64_t a, b;
        memcpy(&a, w, 8);
        memcpy(&b, w + 8, 8);
        if ((lx->used + 1) * 2 > lx->nshorts && grow_shorts(lx) != 0)
            return LEX_OOM;
        short_word *e = short_slot(lx, a, b);
        if (e->a != 0)
            return e->term;
        uint32_t term = new_term(lx, w, n, letters);
        if (term != LEX_OOM) {
            *e = (short_word){ a, b, term };
            lx->used++;
        }
        return term;
    }
    uint64_t hash = strtab_hash(w, n);
    uint32_t id = strtab_find_hashed(&lx->words, w, n, hash);
    if (id != STRTAB_NONE)
        return lx->words.v[id].value;
    uint32_t term = new_term(lx, w, n, letters);
    if (term != LEX_OOM &&
        strtab_intern_hashed(&lx->words, w, n, hash, term, NULL) == STRTAB_NONE)
        return LEX_OOM;
    return term;
}

static int push_token(tokens *out, token t)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 256;
        token *v = realloc(out->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n++] = t;
    return 0;
}

int lexicon_tokenize(lexicon *lx, const char *text, size_t len, tokens *out)
{
    bool gap = true;
    size_t i = 0;

    while (i < len) {
        int32_t cp;
        int k = decode(text + i, len - i, &cp);
        if (cp < 0x80 && !is_word_cp(cp)) {
            gap |= cp != ' ' && cp != '-' && cp != '\t' && cp != '\n' && cp != '\r';
            i++;
            continue;
        }
        if (!is_word_cp(cp)) {
            /* A hyphen keeps "open-source" one phrase; anything else breaks. */
            if (!is_space_cp(cp) && cp != '-')
                gap = true;
            i += (size_t)k;
            continue;
        }
        /* A word: word characters, with ' or ’ allowed between letters. */
        char w[LEX_MAX_WORD];
        size_t start = i, n = 0;
        memset(w, 0, SHORT_WORD);
        bool fits = true, letters = false;
        while (i < len) {
            /* Plain ASCII letters and digits, the bulk of any text. */
            char b = text[i];
            if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z')) {
                letters |= b > '9';
                if (n < LEX_MAX_WORD)
                    w[n++] = b <= 'Z' && b >= 'A' ? (char)(b + ('a' - 'A')) : b;
                else
                    fits = false;
                i++;
                continue;
            }
            k = decode(text + i, len - i, &cp);
            if (cp == '\'' || cp == 0x2019) {
                int32_t next;
                size_t j = i + (size_t)k;
                if (j >= len || (decode(text + j, len - j, &next), !is_word_cp(next)))
                    break;
            } else if (!is_word_cp(cp)) {
                break;
            }
            letters |= !(cp >= '0' && cp <= '9');
            fits = fits && put_lower(w, &n, cp);
            i += (size_t)k;
        }
        uint32_t term = fits ? term_of(lx, w, n, letters) : STRTAB_NONE;
        if (term == LEX_OOM)
            return -ENOMEM;
        if (term == STRTAB_NONE) {
            gap = true;
            continue;
        }
        if (push_token(out, (token){ term, (uint32_t)start, (uint32_t)(i - start), gap }) != 0)
            return -ENOMEM;
        gap = false;
    }
    return 0;
}

int lexicon_tokenize_sentences(lexicon *lx, const sentences *ss, tokens *out,
                               size_t *first)
{
    for (size_t i = 0; i < ss->n; i++) {
        first[i] = out->n;
        if (lexicon_tokenize(lx, sentence_text(ss, i), ss->v[i].len, out) != 0)
            return -ENOMEM;
    }
    first[ss->n] = out->n;
    return 0;
}

void tokens_free(tokens *t)
{
    free(t->v);
    memset(t, 0, sizeof(*t));
}
