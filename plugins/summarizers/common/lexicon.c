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

#include "stems.h"
#include "wordmap.h"

/* term_of() ran out of memory. */
#define LEX_OOM (STRTAB_NONE - 1)

struct lexicon {
    const stopwords *stop;
    struct sb_stemmer *stemmer;
    wordmap words;          /* word -> term, or STRTAB_NONE, when not borrowing */
    strtab terms;           /* stem -> term id */
    stem_memory *memory;    /* the thread's, while lexicon_tokenize_sentences() runs */
    uint32_t *by_stem;      /* the memory's stem id -> term + 1, 0: not met yet */
    size_t nby_stem;
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
    if (stopwords_load(&t->stop, td_opt_path(opts, "stopwords"), err) != 0)
        return -1;
    t->memories = stem_memories_new(&t->stop, t->language);
    if (t->memories == NULL) {
        stopwords_free(&t->stop);
        return td_error_set(err, "out of memory");
    }
    return 0;
}

void text_options_free(text_options *t)
{
    stem_memories_free(t->memories);
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
    wordmap_free(&lx->words);
    free(lx->by_stem);
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

/*
 * The term of the memory's stem id: terms are numbered in the order the
 * document first uses them, as new_term() numbers them.
 */
static uint32_t term_of_stem(lexicon *lx, uint32_t id)
{
    if (id >= lx->nby_stem) {
        size_t n = stem_memory_count(lx->memory) + 1024;
        uint32_t *v = realloc(lx->by_stem, n * sizeof(*v));
        if (v == NULL)
            return LEX_OOM;
        memset(v + lx->nby_stem, 0, (n - lx->nby_stem) * sizeof(*v));
        lx->by_stem = v;
        lx->nby_stem = n;
    }
    if (lx->by_stem[id] != 0)
        return lx->by_stem[id] - 1;
    size_t len;
    const char *stem = stem_memory_stem(lx->memory, id, &len);
    uint32_t term = strtab_intern(&lx->terms, stem, len, (uint32_t)lx->terms.n, NULL);
    if (term == STRTAB_NONE)
        return LEX_OOM;
    lx->by_stem[id] = term + 1;
    return term;
}

/*
 * The term of a lower-cased word (zero-padded to WORDMAP_SHORT bytes when
 * shorter), or STRTAB_NONE for a stop word: from the thread's memory when
 * borrowing it, else each distinct word stemmed once per document.
 */
static uint32_t term_of(lexicon *lx, const char *w, size_t n, bool letters)
{
    if (lx->memory != NULL) {
        uint32_t id = stem_memory_lookup(lx->memory, w, n, letters);
        if (id == STEMS_NONE)
            return STRTAB_NONE;
        if (id == STEMS_OOM)
            return LEX_OOM;
        if (id != STEMS_UNKNOWN)
            return term_of_stem(lx, id);
    }
    const uint32_t *known = wordmap_find(&lx->words, w, n);
    if (known != NULL)
        return *known;
    uint32_t term = new_term(lx, w, n, letters);
    bool added;
    uint32_t *slot = term == LEX_OOM ? NULL : wordmap_slot(&lx->words, w, n, &added);
    if (slot == NULL)
        return LEX_OOM;
    *slot = term;
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

/*
 * ASCII bytes by what the tokenizer does with them.  ASCII_UPPER is 0x20,
 * the bit that makes an upper-case letter lower case when set.
 */
enum {
    ASCII_LETTER = 0x01,
    ASCII_DIGIT = 0x02,
    ASCII_JOINS = 0x04,     /* white space and '-': phrases go on across them */
    ASCII_BREAKS = 0x08,    /* other punctuation and controls: phrases end */
    ASCII_UPPER = 0x20,
};

#define B ASCII_BREAKS
#define J ASCII_JOINS
#define D ASCII_DIGIT
#define L ASCII_LETTER
#define U (ASCII_LETTER | ASCII_UPPER)
/* ' is 0: it ends a word unless a letter follows, which is decided below. */
static const unsigned char ASCII_KIND[256] = {
    B, B, B, B, B, B, B, B, B, J, J, B, B, J, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    J, B, B, B, B, B, B, 0, B, B, B, B, B, J, B, B,
    D, D, D, D, D, D, D, D, D, D, B, B, B, B, B, B,
    B, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, B, B, B, B, B,
    B, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, B, B, B, B, B,
};
#undef B
#undef J
#undef D
#undef L
#undef U

int lexicon_tokenize(lexicon *lx, const char *text, size_t len, tokens *out)
{
    bool gap = true;
    size_t i = 0;

    while (i < len) {
        int32_t cp;
        unsigned char kind = ASCII_KIND[(unsigned char)text[i]];
        if (kind & (ASCII_JOINS | ASCII_BREAKS)) {
            gap |= (kind & ASCII_BREAKS) != 0;
            i++;
            continue;
        }
        int k = decode(text + i, len - i, &cp);
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
        memset(w, 0, WORDMAP_SHORT);
        bool fits = true, letters = false;
        while (i < len) {
            /* Plain ASCII letters and digits, the bulk of any text. */
            unsigned char b = (unsigned char)text[i];
            if (ASCII_KIND[b] & (ASCII_LETTER | ASCII_DIGIT)) {
                letters |= (ASCII_KIND[b] & ASCII_LETTER) != 0;
                if (n < LEX_MAX_WORD)
                    w[n++] = (char)(b | (ASCII_KIND[b] & ASCII_UPPER));
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
                               size_t *first, stem_memories *memories)
{
    int rc = 0;
    /* Borrowed for this call only: the document may outlive the plugin. */
    lx->memory = memories ? stem_memory_mine(memories) : NULL;
    for (size_t i = 0; rc == 0 && i < ss->n; i++) {
        first[i] = out->n;
        rc = lexicon_tokenize(lx, sentence_text(ss, i), ss->v[i].len, out);
    }
    first[ss->n] = out->n;
    lx->memory = NULL;
    return rc != 0 ? -ENOMEM : 0;
}

void tokens_free(tokens *t)
{
    free(t->v);
    memset(t, 0, sizeof(*t));
}
