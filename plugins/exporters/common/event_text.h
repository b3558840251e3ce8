/*
 * event_text.h - how an event segment reads in prose and captions:
 * "[laughter]".  Its text, or its label when it has no text, in brackets
 * unless the source already bracketed it ("[Music]", "(applause)").
 */
#ifndef TD_EXPORTERS_EVENT_TEXT_H
#define TD_EXPORTERS_EVENT_TEXT_H

#include <transcriptd/transcriptd.h>

/*
 * The words of an event and whether to put brackets around them; *len gets
 * their length.  Returns NULL for an event with neither text nor label.
 */
static inline const char *event_text(const td_segment *s, size_t *len, bool *brackets)
{
    const char *t = td_segment_text(s, len);
    if (*len == 0 && td_segment_label(s) != NULL) {
        t = td_segment_label(s);
        for (*len = 0; t[*len]; (*len)++)
            ;
    }
    *brackets = *len > 0 && t[0] != '[' && t[0] != '(';
    return *len ? t : NULL;
}

#endif
