/*
 * vocab.c - see vocab.h.
 */
#include "vocab.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lower_ascii(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
}

static int label_index(vocab *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->nlabels; i++)
        if (strlen(v->labels[i]) == len && memcmp(v->labels[i], name, len) == 0)
            return (int)i;
    char **l = realloc(v->labels, (v->nlabels + 1) * sizeof(*l));
    if (l == NULL)
        return -ENOMEM;
    v->labels = l;
    if ((l[v->nlabels] = strndup(name, len)) == NULL)
        return -ENOMEM;
    return (int)v->nlabels++;
}

static int add_phrase(vocab *v, const char *s, size_t len, int label)
{
    while (len > 0 && isspace((unsigned char)*s))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0)
        return 0;
    phrase *p = realloc(v->phrases, (v->nphrases + 1) * sizeof(*p));
    if (p == NULL)
        return -ENOMEM;
    v->phrases = p;
    p += v->nphrases;
    if ((p->text = strndup(s, len)) == NULL)
        return -ENOMEM;
    lower_ascii(p->text, len);
    p->len = len;
    p->label = label;
    v->nphrases++;
    return 0;
}

/* One "label: phrase, phrase" line. */
static int parse_line(vocab *v, const char *line, size_t len, const char *file,
                      int lineno, td_error *err)
{
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line)
        return td_error_set(err, "%s:%d: expected 'label: phrase, phrase, ...'",
                            file, lineno);
    int label = label_index(v, line, (size_t)(colon - line));
    const char *p = colon + 1, *end = line + len;
    while (label >= 0 && p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (add_phrase(v, p, (size_t)(stop - p), label) != 0)
            label = -ENOMEM;
        p = stop + 1;
    }
    return label < 0 ? td_error_set(err, "out of memory") : 0;
}

int vocab_load(vocab *v, const char *file, td_error *err)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return td_error_set(err, "cannot read %s: %s", file, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && isspace((unsigned char)line[n - 1]))
            n--;
        size_t s = strspn(line, " \t");
        if ((size_t)n > s && line[s] != '#')
            rc = parse_line(v, line + s, (size_t)n - s, file, lineno, err);
    }
    free(line);
    fclose(f);
    if (rc == 0) {
        v->keep = label_index(v, "keep", 4);
        v->collective = label_index(v, "collective", 10);
        v->note = label_index(v, "note", 4);
        if (v->keep < 0 || v->collective < 0 || v->note < 0)
            rc = td_error_set(err, "out of memory");
    }
    return rc;
}

void vocab_free(vocab *v)
{
    for (size_t i = 0; i < v->nphrases; i++)
        free(v->phrases[i].text);
    for (size_t i = 0; i < v->nlabels; i++)
        free(v->labels[i]);
    free(v->phrases);
    free(v->labels);
}

/* The label of a lower-case phrase, or LABEL_NONE. */
static int lookup(const vocab *v, const char *s, size_t len)
{
    for (size_t i = 0; i < v->nphrases; i++)
        if (v->phrases[i].len == len && memcmp(v->phrases[i].text, s, len) == 0)
            return v->phrases[i].label;
    return LABEL_NONE;
}

/* ---- what one annotation is ------------------------------------------------ */

/* Letters, apostrophes, hyphens and spaces only: could be a spoken word. */
static bool wordlike(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalpha(c) || c == '\'' || c == '-' || c == ' ' || c >= 0x80))
            return false;
    }
    return len > 0;
}

/*
 * Addresses, links, numbers, times and bare marks ("[?]", "[...]") in
 * brackets are not annotations.
 */
bool looks_like_data(const char *s, size_t len)
{
    bool letters = false;
    if (len == 0 || isdigit((unsigned char)s[0]))
        return true;
    for (size_t i = 0; i < len; i++) {
        if (strchr("/:=@<>{}|\\", s[i]) != NULL)
            return true;
        letters |= isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80;
    }
    return !letters;
}

static size_t count_words(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return n;
}

/*
 * The label of an annotation that names somebody first ("sara agrees"),
 * looked up by the words after the name; LABEL_NONE when it is not one.
 */
static int label_after_name(const vocab *v, const char *lower, size_t len, size_t first)
{
    if (first >= len || lookup(v, lower, first) == v->collective)
        return LABEL_NONE;
    const char *rest = lower + first + 1;
    size_t rlen = len - first - 1;
    const char *sp = memchr(rest, ' ', rlen);
    int label = lookup(v, rest, rlen);
    return label != LABEL_NONE || sp == NULL ? label
                                             : lookup(v, rest, (size_t)(sp - rest));
}

/*
 * Decides what an annotation is.  raw: its words as written; lower: the
 * same in lower case.  bracket: it was in [], not (); only brackets hold
 * guessed words and notes, and only they are matched by their last word
 * ("[both laugh]"), which prose in parentheses could end with.
 */
verdict classify(const vocab *v, long uncertain_words, const char *raw, const char *lower,
                 size_t len, bool bracket)
{
    verdict r = { EVENT, LABEL_NONE, NULL, 0 };
    const char *sp = memchr(lower, ' ', len);
    size_t first = sp ? (size_t)(sp - lower) : len;

    r.label = lookup(v, lower, len);                            /* [chuckles] */
    if (r.label == LABEL_NONE && sp != NULL) {
        r.label = lookup(v, lower, first);                      /* [music fades] */
        if (r.label == v->collective)
            r.label = LABEL_NONE;
    }
    if (r.label == LABEL_NONE && sp != NULL) {
        r.label = label_after_name(v, lower, len, first);       /* [Sara agrees] */
        if (r.label != LABEL_NONE && isupper((unsigned char)raw[0])) {
            r.name = raw;
            r.name_len = first;
        } else if (r.label == LABEL_NONE && bracket) {
            const char *last = memrchr(lower, ' ', len) + 1;    /* [both laugh] */
            r.label = lookup(v, last, len - (size_t)(last - lower));
        }
    }
    if (r.label == v->keep || r.label == v->collective)
        return (verdict){ LEAVE, LABEL_NONE, NULL, 0 };
    if (r.label != LABEL_NONE)
        return r;
    if (!bracket)
        return (verdict){ LEAVE, LABEL_NONE, NULL, 0 };
    if ((long)count_words(lower, len) <= uncertain_words && wordlike(raw, len))
        return (verdict){ UNCERTAIN, LABEL_NONE, NULL, 0 };
    return (verdict){ EVENT, v->note, NULL, 0 };
}
