/*
 * lexicon.c - see lexicon.h.
 */
#include "lexicon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void wordlist_free(wordlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

int wordlist_parse(wordlist *l, const char *s)
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

bool wordlist_has(const wordlist *l, const char *w, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && strncasecmp(l->v[i], w, len) == 0)
            return true;
    return false;
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

int lexicon_build(lexicon *lx, const td_options *opts, td_error *err)
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

void lexicon_free(lexicon *lx)
{
    free(lx->slot);
}
