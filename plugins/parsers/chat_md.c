/*
 * chat_md.c - chat logs and AMAs written in Markdown:
 *
 *     ---
 *     title: "AMA with Sayak Paul"
 *     date: 2019-11-13T15:14:46+05:30
 *     ---
 *     An intro, which becomes the description.
 *     **Legend:**
 *     - S: Sayak
 *     - P(n): Participants
 *     **P1:** A question...
 *     **S:** An answer, with paragraphs, lists and quotes that follow.
 *
 * Each "**TAG:**" starts a turn of the speaker TAG, whose name comes from
 * the legend ("P(n): Participants" names P3 "Participant 3").  The
 * Markdown is reduced to its text: links to their words (the URLs go to
 * the metadata), emphasis and code marks removed, list items kept one per
 * line.  Without front matter, a "# " heading before the first turn is
 * the title.  A chat has no times.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "common/lines.h"
#include "common/speakers.h"

#define PROBE_LINES 500
#define TAG_MAX 40
#define LEGEND_MAX 32
/* Parentheses a link destination may open and close before it ends. */
#define PAREN_STEPS 16

typedef struct span {
    const char *s;
    size_t len;
} span;

typedef struct legend_entry {
    span tag;               /* "S", or the prefix of "P(n)" */
    span name;              /* "Sayak", "Participant" */
    bool numbered;          /* "P(n)": any P<digits> */
} legend_entry;

/* A remembered search: from `from` to `end`, the first hit (or NULL). */
typedef struct finder {
    const char *from, *end, *hit;
} finder;

typedef enum line_kind { PLAIN, LIST_ITEM, QUOTE, HEADING } line_kind;

typedef struct md_reader {
    td_doc *doc;
    json_t *links;
    td_buf out;             /* the description, then each turn's words */
    line_kind last;         /* of the last line added to out */
    bool new_paragraph;     /* a blank line since */
    bool in_turn, in_legend;
    int speaker;
    long turns;
    legend_entry legend[LEGEND_MAX];
    size_t nlegend;
    finder find_bracket, find_url, find_paren, find_gt;
} md_reader;

/* ---- line shapes --------------------------------------------------------- */

/*
 * "**P1:** text" or "**P1**: text": a turn marker.  *tag gets the tag,
 * *rest what follows on the line.
 */
static bool turn_marker(const char *s, size_t n, span *tag, span *rest)
{
    if (!starts_with(s, n, "**"))
        return false;
    size_t i = 2;
    while (i < n && i - 2 <= TAG_MAX && s[i] != '*' && s[i] != ':')
        i++;
    size_t end = i;
    if (starts_with(s + i, n - i, ":**"))
        i += 3;
    else if (starts_with(s + i, n - i, "**:"))
        i += 3;
    else
        return false;
    tag->s = s + 2;
    tag->len = end - 2;
    trim(&tag->s, &tag->len);
    if (tag->len == 0)
        return false;
    rest->s = s + i;
    rest->len = n - i;
    trim(&rest->s, &rest->len);
    return true;
}

static bool legend_word(span tag)
{
    static const char *const WORDS[] = { "legend", "key", "speakers" };
    for (size_t i = 0; i < sizeof(WORDS) / sizeof(WORDS[0]); i++)
        if (strlen(WORDS[i]) == tag.len && strncasecmp(tag.s, WORDS[i], tag.len) == 0)
            return true;
    return false;
}

/* "---", "***", "___" (three or more, spaces allowed): a thematic break. */
static bool rule_line(const char *s, size_t n)
{
    size_t marks = 0;
    if (n == 0 || !strchr("-*_", s[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == s[0])
            marks++;
        else if (!is_blank_char(s[i]))
            return false;
    }
    return marks >= 3;
}

/* Length of a list marker ("- ", "* ", "+ ", "12. ") at s, or 0. */
static size_t list_marker(const char *s, size_t n)
{
    if (n >= 2 && strchr("-*+", s[0]) && is_blank_char(s[1]))
        return 2;
    size_t i = 0;
    while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && is_blank_char(s[i + 1]))
        return i + 2;
    return 0;
}

/* Length of an ATX heading marker ("# ", "### "), or 0. */
static size_t heading_marker(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 7 && s[i] == '#')
        i++;
    return i > 0 && i <= 6 && (i == n || is_blank_char(s[i])) ? i : 0;
}

/* ---- inline Markdown ------------------------------------------------------- */

static int add_link(md_reader *r, size_t text_off, const char *url, size_t url_len)
{
    /* "[](url)" as the first thing in a turn: nothing appended yet. */
    const char *text = r->out.data ? r->out.data + text_off : "";
    json_t *link = json_pack("{s:s%, s:s%}", "text", text, r->out.len - text_off,
                             "url", url, url_len);
    return link ? json_array_append_new(r->links, link) : -ENOMEM;
}

static int inline_text(md_reader *r, const char *s, size_t n);

/*
 * The first byte of set in [p, end), or NULL.  The answer is remembered,
 * so that asking again from a later p before the hit costs nothing: a
 * line of a million '[' with no ']' is searched once, not a million times.
 */
static const char *find(finder *f, const char *p, const char *end, const char *set)
{
    if (f->end == end && f->from != NULL && p >= f->from &&
        (f->hit == NULL || p <= f->hit))
        return f->hit;
    const char *q = p;
    while (q < end && strchr(set, *q) == NULL)
        q++;
    *f = (finder){ p, end, q < end ? q : NULL };
    return f->hit;
}

/*
 * The end of a link destination and title from url on: the ')' that
 * closes it, allowing balanced parentheses in the URL
 * ("https://example.org/lab_(birds)").  *url_end gets where the URL
 * stops (at the ')' or at a blank before a title).
 */
static const char *destination(md_reader *r, const char *url, const char *end,
                               const char **url_end)
{
    const char *q = url;
    int depth = 0;

    for (int step = 0; step < PAREN_STEPS; step++) {
        const char *hit = find(&r->find_url, q, end, "() \t");
        if (hit == NULL)
            return NULL;
        if (*hit == '(') {
            depth++;
        } else if (*hit == ')' && depth > 0) {
            depth--;
        } else {
            *url_end = hit;
            return *hit == ')' ? hit : find(&r->find_paren, hit, end, ")");
        }
        q = hit + 1;
    }
    return NULL;
}

/*
 * "[words](url)" or "![alt](url)" at s: appends the words, records the
 * link, returns the bytes used, or 0 when s is not a link.
 */
static size_t link(md_reader *r, const char *s, size_t n, int *rc)
{
    const char *end = s + n, *url_end = NULL;
    size_t open = s[0] == '!' ? 1 : 0;
    if (s[open] != '[')
        return 0;
    const char *close = find(&r->find_bracket, s + open + 1, end, "]");
    if (close == NULL || close + 1 >= end || close[1] != '(')
        return 0;
    const char *url = close + 2, *paren = destination(r, url, end, &url_end);
    if (paren == NULL)
        return 0;
    size_t text_off = r->out.len;
    *rc = inline_text(r, s + open + 1, (size_t)(close - s) - open - 1);
    if (*rc == 0)
        *rc = add_link(r, text_off, url, (size_t)(url_end - url));
    return (size_t)(paren - s) + 1;
}

/* "<https://...>": the URL is its own text. */
static size_t autolink(md_reader *r, const char *s, size_t n, int *rc)
{
    if (!(starts_with(s + 1, n - 1, "http://") || starts_with(s + 1, n - 1, "https://")))
        return 0;
    const char *gt = find(&r->find_gt, s + 1, s + n, "> \t<");
    if (gt == NULL || *gt != '>')
        return 0;
    size_t len = (size_t)(gt - s) - 1, off = r->out.len;
    *rc = td_buf_append(&r->out, s + 1, len);
    if (*rc == 0)
        *rc = add_link(r, off, s + 1, len);
    return len + 2;
}

/*
 * Whether the run of '*' or '_' at s[i..j) marks emphasis: it touches a
 * word on one side.  "2 * 3" and snake_case are left alone.
 */
static bool emphasis(const char *s, size_t n, size_t i, size_t j)
{
    bool before = i > 0 && !is_blank_char(s[i - 1]);
    bool after = j < n && !is_blank_char(s[j]);
    if (s[i] == '_') {
        bool word_before = before && s[i - 1] != '(' && s[i - 1] != '"';
        bool word_after = after && strchr(".,;:!?)\"'", s[j]) == NULL;
        return word_before != word_after;
    }
    return before || after;
}

static int inline_text(md_reader *r, const char *s, size_t n)
{
    size_t i = 0;
    int rc = 0;

    while (rc == 0 && i < n) {
        size_t run = i, used = 0;
        while (run < n && !strchr("[!<*_`\\", s[run]))
            run++;
        if (run > i && (rc = td_buf_append(&r->out, s + i, run - i)) != 0)
            break;
        if ((i = run) == n)
            break;
        char c = s[i];
        if (c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '['))
            used = link(r, s + i, n - i, &rc);
        else if (c == '<')
            used = autolink(r, s + i, n - i, &rc);
        else if (c == '`')
            used = 1;
        else if (c == '\\' && i + 1 < n && strchr("\\`*_{}[]()#+-.!<>", s[i + 1]))
            rc = td_buf_putc(&r->out, s[i + 1]), used = 2;
        else if (c == '*' || c == '_') {
            size_t j = i;
            while (j < n && s[j] == c)
                j++;
            if (emphasis(s, n, i, j))
                used = j - i;
            else
                rc = td_buf_append(&r->out, s + i, j - i), used = j - i;
        }
        if (rc == 0 && used == 0)
            rc = td_buf_putc(&r->out, c), used = 1;
        i += used;
    }
    return rc;
}

/* ---- blocks ----------------------------------------------------------------------- */

/* Adds one line of content, in its place in the paragraph structure. */
static int add_line(md_reader *r, const char *s, size_t n)
{
    line_kind kind = PLAIN;
    bool bullet = false;
    size_t m;

    while (n > 0 && s[0] == '>') {          /* quotes, nested or not */
        s++, n--;
        trim(&s, &n);
        kind = QUOTE;
    }
    if ((m = list_marker(s, n)) > 0) {
        kind = LIST_ITEM;
        bullet = s[0] < '0' || s[0] > '9';     /* "1." stays, "-" is redrawn */
        if (bullet)
            s += m, n -= m;
    } else if ((m = heading_marker(s, n)) > 0) {
        kind = HEADING;
        s += m, n -= m;
    }
    trim(&s, &n);
    if (n == 0)
        return 0;
    if (kind == HEADING && !r->in_turn && td_doc_title(r->doc) == NULL)
        return td_doc_set_title(r->doc, s, n);
    if (r->out.len > 0) {
        const char *sep = r->new_paragraph ? "\n\n"
                        : kind == LIST_ITEM || r->last == LIST_ITEM ||
                          kind == HEADING || r->last == HEADING ? "\n" : " ";
        if (td_buf_append(&r->out, sep, strlen(sep)) != 0)
            return -ENOMEM;
    }
    r->new_paragraph = false;
    r->last = kind;
    if (bullet && td_buf_append(&r->out, "- ", 2) != 0)
        return -ENOMEM;
    return inline_text(r, s, n);
}

/* "- S: Sayak", "- P(n): Participants". */
static bool legend_item(md_reader *r, const char *s, size_t n)
{
    size_t m = list_marker(s, n);
    if (m == 0 || m > 2)
        return false;
    s += m, n -= m;
    const char *colon = memchr(s, ':', n);
    if (colon == NULL || r->nlegend == LEGEND_MAX)
        return colon != NULL;
    legend_entry *e = &r->legend[r->nlegend];
    e->tag = (span){ s, (size_t)(colon - s) };
    e->name = (span){ colon + 1, n - (size_t)(colon - s) - 1 };
    trim(&e->tag.s, &e->tag.len);
    trim(&e->name.s, &e->name.len);
    e->numbered = e->tag.len > 3 && strncmp(e->tag.s + e->tag.len - 3, "(n)", 3) == 0;
    if (e->numbered) {
        e->tag.len -= 3;
        /* "Participants" names each one "Participant 3". */
        if (e->name.len > 1 && e->name.s[e->name.len - 1] == 's')
            e->name.len--;
    }
    if (e->tag.len > 0 && e->name.len > 0)
        r->nlegend++;
    return true;
}

static int flush(md_reader *r)
{
    const char *text = r->out.data;
    size_t len = r->out.len;
    int rc = 0;

    /* Marks removed at either end ("[](url) hi") can leave a blank there. */
    if (len > 0)
        trim(&text, &len);
    if (r->in_turn && len > 0) {
        rc = td_doc_add_segment(r->doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, r->speaker,
                                TD_SEG_SPEECH, text, len);
        r->turns++;
    } else if (!r->in_turn && len > 0) {
        json_t *d = json_stringn(text, len);
        rc = d ? json_object_set_new(td_doc_meta(r->doc), "description", d) : -ENOMEM;
    }
    td_buf_reset(&r->out);
    r->new_paragraph = false;
    r->last = PLAIN;
    return rc;
}

static int body_line(md_reader *r, const char *s, size_t n)
{
    span tag, rest;

    trim(&s, &n);
    if (r->in_legend) {
        if (n == 0 || legend_item(r, s, n))
            return 0;
        r->in_legend = false;
    }
    if (n == 0 || rule_line(s, n)) {
        r->new_paragraph = true;
        return 0;
    }
    if (!turn_marker(s, n, &tag, &rest))
        return add_line(r, s, n);
    if (legend_word(tag)) {
        r->in_legend = true;
        r->new_paragraph = true;
        return 0;
    }
    int rc = flush(r);
    if (rc != 0)
        return rc;
    r->speaker = speaker_find(r->doc, tag.s, tag.len);
    if (r->speaker < 0)
        return r->speaker;
    r->in_turn = true;
    return add_line(r, rest.s, rest.len);
}

/* ---- front matter ----------------------------------------------------------------- */

/* A YAML scalar: quotes removed, \" and '' unescaped, into buf. */
static int yaml_scalar(td_buf *buf, const char *s, size_t n)
{
    td_buf_reset(buf);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        char q = s[0];
        for (size_t i = 1; i + 1 < n; i++) {
            if (q == '"' && s[i] == '\\' && i + 2 < n)
                i++;
            else if (q == '\'' && s[i] == '\'' && i + 2 < n && s[i + 1] == '\'')
                i++;
            if (td_buf_putc(buf, s[i]) != 0)
                return -ENOMEM;
        }
        return td_buf_append(buf, "", 0);
    }
    return td_buf_append(buf, s, n);
}

/* Reads "key: value" lines up to the closing "---"; title and date. */
static int front_matter(md_reader *r, line_iter *it, td_error *err)
{
    const char *line;
    size_t n, first = it->lineno;
    td_buf value = TD_BUF_INIT;
    int rc = 0;

    while (rc == 0 && lines_next(it, &line, &n)) {
        trim(&line, &n);
        if ((n == 3 && memcmp(line, "---", 3) == 0) ||
            (n == 3 && memcmp(line, "...", 3) == 0)) {
            td_buf_free(&value);
            return 0;
        }
        const char *colon = memchr(line, ':', n);
        if (colon == NULL)
            continue;
        size_t klen = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vn = n - klen - 1;
        trim(&v, &vn);
        if (vn == 0 || !((klen == 5 && !memcmp(line, "title", 5)) ||
                         (klen == 4 && !memcmp(line, "date", 4))))
            continue;
        if ((rc = yaml_scalar(&value, v, vn)) != 0)
            break;
        rc = klen == 5 ? td_doc_set_title(r->doc, value.data, value.len)
                       : td_doc_set_date(r->doc, value.data, value.len);
    }
    td_buf_free(&value);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    return td_error_set(err, "line %zu: front matter opened with '---' is never "
                        "closed", first);
}

/* ---- the plugin ------------------------------------------------------------------- */

static int probe(void *state, const td_input *in)
{
    size_t len, n;
    const char *text = td_input_text(in, &len), *line;
    line_iter it;
    span tag, rest;
    int turns = 0;

    (void)state;
    lines_init(&it, text, len);
    while (it.lineno < PROBE_LINES && lines_next(&it, &line, &n)) {
        trim(&line, &n);
        turns += turn_marker(line, n, &tag, &rest) && !legend_word(tag);
    }
    /* One bold "**Note:**" in an ordinary document is not a chat. */
    return turns >= 2 ? 80 : 0;
}

/* Names from the legend: "S" is "Sayak", "P3" is "Participant 3". */
static int name_speakers(md_reader *r)
{
    char name[256];

    for (size_t i = 0; i < td_doc_speaker_count(r->doc); i++) {
        const char *id = td_doc_speaker_id(r->doc, (int)i);
        size_t idlen = strlen(id);
        for (size_t k = 0; k < r->nlegend; k++) {
            const legend_entry *e = &r->legend[k];
            int rc = 0;
            if (!e->numbered && e->tag.len == idlen && !memcmp(e->tag.s, id, idlen)) {
                rc = td_doc_speaker_set_name(r->doc, (int)i, e->name.s, e->name.len);
            } else if (e->numbered && idlen > e->tag.len &&
                       !memcmp(e->tag.s, id, e->tag.len) &&
                       strspn(id + e->tag.len, "0123456789") == idlen - e->tag.len) {
                int m = snprintf(name, sizeof(name), "%.*s %s", (int)e->name.len,
                                 e->name.s, id + e->tag.len);
                if (m > 0 && (size_t)m < sizeof(name))
                    rc = td_doc_speaker_set_name(r->doc, (int)i, name, (size_t)m);
            } else {
                continue;
            }
            if (rc != 0)
                return rc;
            break;
        }
    }
    return 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *line;
    line_iter it;
    md_reader r = { .doc = doc, .links = json_array(), .speaker = TD_NO_SPEAKER };
    int rc = r.links ? 0 : -ENOMEM;

    (void)state;
    lines_init(&it, text, len);
    while (rc == 0 && lines_next(&it, &line, &n)) {
        const char *t = line;
        size_t tn = n;
        trim(&t, &tn);
        if (it.lineno == 1 && tn == 3 && memcmp(t, "---", 3) == 0) {
            if (front_matter(&r, &it, err) != 0) {
                json_decref(r.links);
                return -1;
            }
            continue;
        }
        rc = body_line(&r, line, n);
    }
    if (rc == 0)
        rc = flush(&r);
    if (rc == 0)
        rc = name_speakers(&r);
    if (rc == 0 && json_array_size(r.links) > 0)
        rc = json_object_set(td_doc_meta(doc), "links", r.links);
    if (rc == 0)
        rc = json_object_set_new(td_doc_meta(doc), "turns", json_integer(r.turns));
    json_decref(r.links);
    td_buf_free(&r.out);
    if (rc != 0)
        return speaker_error(err, rc);
    if (r.turns == 0)
        return td_error_set(err, "no '**Name:**' turns found");
    return 0;
}

static const td_plugin chat_md = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "chat-md",
    .version = "1.0",
    .summary = "Markdown chats: front matter, legend, '**Name:**' turns, links to meta",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(chat_md)
