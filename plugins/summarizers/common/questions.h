/*
 * questions.h - the questions asked in a transcript.
 *
 * A question is a sentence ending in '?' of at least min_words words
 * ("Right?" is not one).  In a chat (format "chat" or "chat-..."), such as
 * an AMA, the participants ask and one person answers: every turn of a
 * speaker other than the one who writes the most words is one question,
 * whole, instead of its sentences.  The stats and questions summarizers
 * both count with this.
 */
#ifndef TD_SUMMARIZERS_QUESTIONS_H
#define TD_SUMMARIZERS_QUESTIONS_H

#include "sentences.h"

/* The least words a question has unless configured otherwise. */
#define QUESTION_MIN_WORDS 3

typedef struct question {
    const char *text;       /* in the sentences' text */
    size_t len;
    td_ms start;
    int speaker;
} question;

/* Whether the document is a chat log. */
bool doc_is_chat(const td_doc *doc);

/*
 * The questions of the document, in order, into *out (malloc'd, NULL when
 * none).  Returns how many, or -ENOMEM.
 */
long questions_find(const td_doc *doc, const sentences *ss, size_t min_words,
                    question **out);

#endif
