/*
 * turns.c - podcast web pages whose transcript is a list of turns:
 *
 *     Make an Impact Through Volunteering Open Source Work
 *     Season 17, episode 7 of the DataTalks.Club podcast with Sara EL-ATEIF
 *     Transcript
 *     Alexey: This week, we'll talk about volunteering. (1:43)
 *     Sara's background
 *     Sara: Thank you. (2:34)
 *
 * Everything before the "Transcript" line is the page header: the title
 * and the episode line come from there, the rest is page furniture.  Each
 * "Name: text (h:mm:ss)" paragraph belongs to a turn that starts at that
 * stamp; consecutive paragraphs of one speaker with one stamp are one
 * turn, and one segment.  Short lines between turns are section headings:
 * chapters that start with the next turn, and heading segments.  Blocks
 * after the last turn are page furniture.  A longer block between two
 * turns (a paragraph whose stamp is missing) joins the turn before it,
 * with a warning.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/ends.h"
#include "common/lines.h"
#include "common/speakers.h"

#define PROBE_LINES 400
#define LABEL_MAX 40
#define LABEL_WORDS 4
#define HEADING_MAX 100
#define TITLE_MAX 200
#define HEADER_BLOCKS 64
/* The episode line is short; a pattern with two lazy groups is not run on
 * long lines, where it could backtrack for a long time. */
#define EPISODE_MAX 300

/* "Season 17, episode 7 of the DataTalks.Club podcast with Sara EL-ATEIF" */
static const char EPISODE_PATTERN[] =
    "^(?:season\\s+(\\d+)\\s*,?\\s+)?episode\\s+(\\d+)\\s+of\\s+(?:the\\s+)?"
    "(.+?)\\s+with\\s+(.+?)\\s*\\.?$";

typedef struct turns_state {
    pcre2_code *episode;
} turns_state;

/* ---- lines and paragraphs ------------------------------------------------- */

/*
 * The stamp in parentheses that ends a paragraph: "... (1:02:03)".
 * Returns the offset of the '(' (where the words end) or 0 when none.
 */
static size_t end_stamp(const char *s, size_t len, td_ms *at)
{
    if (len < 6 || s[len - 1] != ')')
        return 0;
    size_t open = len - 1;
    while (open > 0 && len - open < 14 && s[open] != '(')
        open--;
    if (s[open] != '(' || open == 0)
        return 0;
    size_t n = len - open - 2;
    if (td_time_parse(s + open + 1, n, at) != n)
        return 0;
    return open;
}

/*
 * The speaker label that starts a paragraph ("Alexey: ..."), as a length,
 * or 0.  A label is a few capitalised words: "MLOps Zoomcamp: Free MLOps
 * course" would pass, which is why only stamped paragraphs are asked.
 */
static size_t label(const char *s, size_t len)
{
    size_t i = 0, words = 1;
    unsigned char first = (unsigned char)(len ? s[0] : 0);

    if (!(first >= 0x80 || (first >= 'A' && first <= 'Z')))
        return 0;
    for (; i < len && i <= LABEL_MAX; i++) {
        char c = s[i];
        if (c == ':')
            return i > 0 && (i + 1 == len || is_blank_char(s[i + 1])) ? i : 0;
        if (c == ' ')
            words++;
        if (words > LABEL_WORDS || strchr("([\"!?,;", c) || (c >= '0' && c <= '9'))
            return 0;
    }
    return 0;
}

/* One block of the page: lines up to a blank line or a closing stamp. */
typedef struct block {
    const char *s;
    size_t len;
    bool one_line;
    bool stamped;
    td_ms at;
    size_t words_end;       /* where the words stop: before the stamp */
    size_t lineno;
} block;

static bool next_block(line_iter *it, block *b)
{
    const char *line;
    size_t n;

    b->s = NULL;
    while (lines_next(it, &line, &n)) {
        if (is_blank_line(line, n)) {
            if (b->s != NULL)
                break;
            continue;
        }
        if (b->s == NULL) {
            b->s = line;
            b->lineno = it->lineno;
            b->one_line = true;
        } else {
            b->one_line = false;
        }
        b->len = (size_t)(line + n - b->s);
        trim(&b->s, &b->len);
        b->words_end = end_stamp(b->s, b->len, &b->at);
        if ((b->stamped = b->words_end > 0))
            break;
    }
    return b->s != NULL;
}

static bool transcript_line(const char *s, size_t n)
{
    trim(&s, &n);
    if (n > 0 && s[n - 1] == ':')
        n--;
    return n == 10 && strncasecmp(s, "transcript", 10) == 0;
}

static bool heading_like(const block *b)
{
    return b->one_line && b->len <= HEADING_MAX &&
           strchr(".,;:", b->s[b->len - 1]) == NULL;
}

static bool title_like(const block *b)
{
    return b->one_line && b->len <= TITLE_MAX &&
           strchr(".!?:,;", b->s[b->len - 1]) == NULL;
}

/* ---- probe ------------------------------------------------------------------ */

static int probe(void *state, const td_input *in)
{
    size_t len, n;
    const char *text = td_input_text(in, &len), *line;
    line_iter it;
    int lines = 0, stamped = 0, labelled = 0;
    td_ms at;

    (void)state;
    lines_init(&it, text, len);
    while (lines < PROBE_LINES && lines_next(&it, &line, &n)) {
        trim(&line, &n);
        if (n == 0)
            continue;
        lines++;
        if (end_stamp(line, n, &at) > 0) {
            stamped++;
            labelled += label(line, n) > 0;
        }
    }
    /* A stamp or two in prose is not a transcript: the rest would be lost. */
    if (labelled == 0 || stamped < 3)
        return 0;
    int share = stamped * 100 / lines;
    return share >= 30 ? 85 : share >= 10 ? 50 : 0;
}

/* ---- the reader --------------------------------------------------------------- */

typedef struct reader {
    td_doc *doc;
    td_buf turn;            /* the words of the turn being gathered */
    int speaker;            /* of the turn being gathered */
    td_ms start;
    bool in_turn;
    long turns, paragraphs;
    block *pending;         /* blocks since the last turn */
    size_t npending, cap_pending;
} reader;

static int flush_turn(reader *r)
{
    int rc = 0;
    if (r->in_turn && r->turn.len > 0) {
        rc = td_doc_add_segment(r->doc, r->start, TD_TIME_UNKNOWN, r->speaker,
                                TD_SEG_SPEECH, r->turn.data, r->turn.len);
        r->turns++;
    }
    r->in_turn = false;
    td_buf_reset(&r->turn);
    return rc;
}

/*
 * Adds one paragraph's words to the turn, a blank line between paragraphs.
 * The lines of a paragraph are joined with a space; other white space is
 * left for the cleaners (most paragraphs are one line: no copy to squeeze).
 */
static int add_words(reader *r, const char *s, size_t len)
{
    trim(&s, &len);
    if (len == 0)
        return 0;
    if (r->turn.len > 0 && td_buf_append(&r->turn, "\n\n", 2) != 0)
        return -ENOMEM;
    size_t from = r->turn.len;
    if (td_buf_append(&r->turn, s, len) != 0)
        return -ENOMEM;
    char *p = r->turn.data + from, *end = r->turn.data + r->turn.len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
        *p++ = ' ';
    return 0;
}

static int hold(reader *r, const block *b)
{
    if (r->npending == r->cap_pending) {
        size_t cap = r->cap_pending ? r->cap_pending * 2 : 16;
        block *v = realloc(r->pending, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        r->pending = v;
        r->cap_pending = cap;
    }
    r->pending[r->npending++] = *b;
    return 0;
}

/*
 * The blocks held since the last turn, now that another turn follows:
 * headings become chapters at its start; longer blocks are paragraphs
 * that lost their stamp and join the turn before.
 */
static int settle_pending(reader *r, td_ms next_start)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->npending; i++) {
        const block *b = &r->pending[i];
        if (heading_like(b)) {
            rc = flush_turn(r);
            if (rc == 0)
                rc = td_doc_add_chapter(r->doc, next_start, b->s, b->len);
            if (rc == 0)
                rc = td_doc_add_segment(r->doc, next_start, TD_TIME_UNKNOWN,
                                        TD_NO_SPEAKER, TD_SEG_HEADING, b->s, b->len);
        } else if (r->in_turn) {
            td_doc_warn(r->doc, "line %zu: paragraph without a timestamp joined "
                        "to the turn before it", b->lineno);
            r->paragraphs++;
            rc = add_words(r, b->s, b->len);
        }
    }
    r->npending = 0;
    return rc;
}

static int paragraph(reader *r, const block *b)
{
    const char *s = b->s;
    size_t n = b->words_end, lab = label(s, n);
    int speaker = r->speaker, rc;

    if (lab > 0) {
        speaker = speaker_find(r->doc, s, lab);
        if (speaker < 0)
            return speaker;
        s += lab + 1;
        n -= lab + 1;
    }
    trim(&s, &n);
    if ((rc = settle_pending(r, b->at)) != 0)
        return rc;
    r->paragraphs++;
    if (!r->in_turn || speaker != r->speaker || b->at != r->start) {
        if ((rc = flush_turn(r)) != 0)
            return rc;
        r->in_turn = true;
        r->speaker = speaker;
        r->start = b->at;
    }
    return add_words(r, s, n);
}

/* ---- the header ---------------------------------------------------------------- */

static int set_int(json_t *meta, const char *key, const char *s, size_t len)
{
    char digits[16];
    if (len == 0 || len >= sizeof(digits))
        return 0;
    memcpy(digits, s, len);
    digits[len] = '\0';
    return json_object_set_new(meta, key, json_integer(strtoll(digits, NULL, 10)));
}

/* "Sara EL-ATEIF", "Ann Lee and Bo Chen", "A, B & C": one name each. */
static int set_guests(json_t *meta, const char *s, size_t len)
{
    json_t *guests = json_array();
    size_t i = 0;

    if (guests == NULL || json_object_set_new(meta, "guests", guests) != 0)
        return -ENOMEM;
    while (i < len) {
        size_t j = i, sep = 0;
        while (j < len) {
            if (s[j] == ',' || s[j] == '&')
                sep = 1;
            else if (len - j >= 5 && memcmp(s + j, " and ", 5) == 0)
                sep = 4;
            if (sep)
                break;
            j++;
        }
        const char *name = s + i;
        size_t n = j - i;
        trim(&name, &n);
        if (n > 0 && json_array_append_new(guests, json_stringn(name, n)) != 0)
            return -ENOMEM;
        i = j + sep;
        while (i < len && is_blank_char(s[i]))
            i++;
    }
    return 0;
}

/* Whether b is the episode line; if so its facts go to the metadata. */
static int episode_line(const turns_state *st, td_doc *doc, const block *b,
                        pcre2_match_data *md, bool *found)
{
    *found = false;
    if (!b->one_line || b->len > EPISODE_MAX ||
        pcre2_match(st->episode, (PCRE2_SPTR)b->s, b->len, 0, PCRE2_NO_UTF_CHECK,
                    md, NULL) < 0)
        return 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    json_t *meta = td_doc_meta(doc);
    int rc = 0;
    *found = true;
    if (ov[2] != PCRE2_UNSET)
        rc |= set_int(meta, "season", b->s + ov[2], ov[3] - ov[2]);
    rc |= set_int(meta, "episode", b->s + ov[4], ov[5] - ov[4]);
    rc |= json_object_set_new(meta, "series", json_stringn(b->s + ov[6], ov[7] - ov[6]));
    rc |= set_guests(meta, b->s + ov[8], ov[9] - ov[8]);
    return rc ? -ENOMEM : 0;
}

/*
 * The title: the line just above the episode line, or else the last
 * title-like block of the header.
 */
static int read_header(const turns_state *st, td_doc *doc, const block *v, size_t n)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(st->episode, NULL);
    const block *title = NULL;
    bool found = false;
    int rc = md ? 0 : -ENOMEM;

    for (size_t i = 0; rc == 0 && !found && i < n; i++) {
        rc = episode_line(st, doc, &v[i], md, &found);
        if (found && i > 0 && title_like(&v[i - 1]))
            title = &v[i - 1];
    }
    for (size_t i = n; rc == 0 && !found && title == NULL && i > 0; i--)
        if (title_like(&v[i - 1]))
            title = &v[i - 1];
    if (rc == 0 && title != NULL)
        rc = td_doc_set_title(doc, title->s, title->len);
    pcre2_match_data_free(md);
    return rc;
}

/* ---- run ---------------------------------------------------------------------------- */

/* Where the transcript starts: after the "Transcript" line, if there is one. */
static const char *body_start(const char *text, size_t len)
{
    line_iter it;
    const char *line;
    size_t n;

    lines_init(&it, text, len);
    while (lines_next(&it, &line, &n))
        if (transcript_line(line, n))
            return it.p;
    return NULL;
}

static int read_blocks(const turns_state *st, reader *r, const char *text, size_t len)
{
    const char *body = body_start(text, len);
    block header[HEADER_BLOCKS], b;
    size_t nheader = 0;
    bool in_body = false;
    line_iter it;
    int rc = 0;

    lines_init(&it, text, len);
    while (rc == 0 && next_block(&it, &b)) {
        if (!in_body && (body ? b.s >= body : b.stamped)) {
            in_body = true;
            rc = read_header(st, r->doc, header, nheader);
        }
        if (rc != 0)
            break;
        if (!in_body) {
            if (nheader < HEADER_BLOCKS && !transcript_line(b.s, b.len))
                header[nheader++] = b;
        } else if (b.stamped) {
            rc = paragraph(r, &b);
        } else {
            rc = hold(r, &b);
        }
    }
    if (rc == 0 && !in_body)
        rc = read_header(st, r->doc, header, nheader);
    /* What follows the last turn is page furniture. */
    r->npending = 0;
    return rc ? rc : flush_turn(r);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len;
    const char *text = td_doc_text(doc, &len);
    reader r = { .doc = doc, .speaker = TD_NO_SPEAKER };
    int rc = read_blocks(state, &r, text, len);

    td_buf_free(&r.turn);
    free(r.pending);
    if (rc != 0)
        return speaker_error(err, rc);
    if (r.turns == 0)
        return td_error_set(err, "no 'Name: text (h:mm:ss)' turns found");
    fill_ends(doc, 0);
    json_t *meta = td_doc_meta(doc);
    if (json_object_set_new(meta, "turns", json_integer(r.turns)) != 0 ||
        json_object_set_new(meta, "paragraphs", json_integer(r.paragraphs)) != 0)
        return td_error_set(err, "out of memory");
    return 0;
}

/* ---- life cycle -------------------------------------------------------------------------- */

static int init(void **state, const td_options *opts, td_error *err)
{
    turns_state *st = calloc(1, sizeof(*st));
    int code;
    PCRE2_SIZE at;

    (void)opts;
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->episode = pcre2_compile((PCRE2_SPTR)EPISODE_PATTERN, PCRE2_ZERO_TERMINATED,
                                PCRE2_CASELESS | PCRE2_UTF, &code, &at, NULL);
    if (st->episode == NULL) {
        free(st);
        return td_error_set(err, "episode pattern: pcre2 error %d at %zu", code,
                            (size_t)at);
    }
    *state = st;
    return 0;
}

static void fini(void *state)
{
    turns_state *st = state;
    if (st != NULL)
        pcre2_code_free(st->episode);
    free(st);
}

static const td_plugin turns = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "turns",
    .version = "1.0",
    .summary = "podcast pages of 'Name: text (h:mm:ss)' turns with a page header",
    .init = init,
    .fini = fini,
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(turns)
