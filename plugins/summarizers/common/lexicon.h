/*
 * lexicon.h - words as the summarizers count them: lower-cased, stop words
 * left out, Snowball-stemmed (libstemmer), each stem a dense term id.
 *
 * A stopwords set is built once in a plugin's init() and only read after;
 * a lexicon belongs to one run() (a Snowball stemmer is not thread-safe)
 * and remembers the stem of every word it has seen, so each distinct word
 * is stemmed once per document.
 */
#ifndef TD_SUMMARIZERS_LEXICON_H
#define TD_SUMMARIZERS_LEXICON_H

#include <stdbool.h>
#include <stdint.h>

#include <transcriptd/transcriptd.h>

#include "sentences.h"
#include "strtab.h"

/* The longest word kept, in bytes; longer runs are noise (URLs, hashes). */
#define LEX_MAX_WORD 48

typedef struct stopwords {
    strtab words;
    char path[512];         /* where it was read: names it in shared keys */
} stopwords;

/*
 * Reads a stop-word list: words separated by white space, lines starting
 * with '#' ignored, ’ read as '.  Returns 0, or -1 with err set.
 */
int stopwords_load(stopwords *sw, const char *path, td_error *err);
bool stopwords_has(const stopwords *sw, const char *lower, size_t len);
void stopwords_free(stopwords *sw);

/* Checks that libstemmer knows language; -1 with err set if not. */
int lexicon_check_language(const char *language, td_error *err);

/*
 * What every text summarizer reads from its "language" and "stopwords"
 * options (TEXT_OPTIONS rows in its table), checked and loaded by init().
 */
/* The stems each thread has found before (stems.h). */
typedef struct stem_memories stem_memories;

typedef struct text_options {
    char language[32];
    stopwords stop;
    stem_memories *memories;
} text_options;

#define TEXT_OPTIONS                                                              \
    { "stopwords", TD_OPT_STRING, "conf/stopwords-en.txt", "the stop-word list" }, \
    { "language", TD_OPT_STRING, "english", "the Snowball stemmer (libstemmer name)" }

/* Returns 0, or -1 with err set (unknown language, unreadable list). */
int text_options_read(text_options *t, const td_options *opts, td_error *err);
void text_options_free(text_options *t);

/*
 * A content word of a text.  gap tells that something other than white
 * space or a hyphen (a stop word, a number, punctuation) separates it from
 * the token before: key phrases never span a gap.
 */
typedef struct token {
    uint32_t term;
    uint32_t off, len;      /* the word as written, in the text given */
    bool gap;
} token;

typedef struct tokens {
    token *v;
    size_t n, cap;
} tokens;

typedef struct lexicon lexicon;

/* NULL when out of memory or the language is unknown. */
lexicon *lexicon_new(const stopwords *sw, const char *language);
void lexicon_free(lexicon *lx);

/* Appends the content words of text to out.  0 or -ENOMEM. */
int lexicon_tokenize(lexicon *lx, const char *text, size_t len, tokens *out);
/*
 * The tokens of every sentence, appended to out: sentence i has tokens
 * first[i] to first[i + 1] (first holds ss->n + 1 entries).  Words the
 * calling thread met in earlier documents take their stems from
 * memories (when not NULL) instead of the stemmer.  0 or -ENOMEM.
 */
int lexicon_tokenize_sentences(lexicon *lx, const sentences *ss, tokens *out,
                               size_t *first, stem_memories *memories);
/* How many distinct terms (stems) were seen so far: ids are below this. */
size_t lexicon_term_count(const lexicon *lx);
/* The stem of a term (for tests and debugging). */
const char *lexicon_term(const lexicon *lx, uint32_t term, size_t *len);

void tokens_free(tokens *t);

#endif
