/*
 * questions.c - see questions.h.
 */
#include "questions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool doc_is_chat(const td_doc *doc)
{
    const char *f = td_doc_format(doc);
    return f != NULL && strncmp(f, "chat", 4) == 0 && (f[4] == '\0' || f[4] == '-');
}

/* The speaker with the most words: in a chat, the one who answers. */
static int main_speaker(const sentences *ss)
{
    size_t *words = calloc(1, sizeof(*words));
    int speakers = 0, best = TD_NO_SPEAKER;
    for (size_t i = 0; words != NULL && i < ss->n; i++) {
        int sp = ss->v[i].speaker;
        if (sp < 0)
            continue;
        if (sp >= speakers) {
            size_t *grown = realloc(words, (size_t)(sp + 1) * sizeof(*words));
            if (grown == NULL)
                break;
            memset(grown + speakers, 0, (size_t)(sp + 1 - speakers) * sizeof(*words));
            words = grown;
            speakers = sp + 1;
        }
        words[sp] += ss->v[i].words;
        if (best < 0 || words[sp] > words[best])
            best = sp;
    }
    free(words);
    return best;
}

/* Markdown emphasis around a whole turn ("*How do I start?*") is not text. */
static void trim_emphasis(const char **s, size_t *len)
{
    while (*len > 0 && ((*s)[0] == '*' || (*s)[0] == '_' || (*s)[0] == ' '))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == '*' || (*s)[*len - 1] == '_' ||
                        (*s)[*len - 1] == ' '))
        (*len)--;
}

long questions_find(const td_doc *doc, const sentences *ss, size_t min_words,
                    question **out)
{
    int host = doc_is_chat(doc) ? main_speaker(ss) : TD_NO_SPEAKER;
    question *v = NULL;
    size_t n = 0;

    *out = NULL;
    for (size_t i = 0; i < ss->n; i++) {
        const sentence *s = &ss->v[i];
        size_t last = i, words = s->words;
        bool asks = s->question;
        /* A participant's turn in a chat: all its sentences, one question. */
        if (host >= 0 && s->speaker != host && s->speaker >= 0) {
            while (last + 1 < ss->n && ss->v[last + 1].turn == s->turn)
                words += ss->v[++last].words;
            asks = true;
        }
        if (asks && words >= min_words) {
            question *grown = n % 64 == 0 ? realloc(v, (n + 64) * sizeof(*v)) : v;
            if (grown == NULL) {
                free(v);
                return -ENOMEM;
            }
            v = grown;
            const char *text = sentence_text(ss, i);
            size_t len = ss->v[last].off + ss->v[last].len - s->off;
            trim_emphasis(&text, &len);
            v[n++] = (question){ text, len, s->start, s->speaker };
        }
        i = last;
    }
    *out = v;
    return (long)n;
}
