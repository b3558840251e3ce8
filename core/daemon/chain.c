/*
 * chain.c - see chain.h.
 */
#include "chain.h"

#include "internal.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *stage_name(td_kind kind)
{
    switch (kind) {
    case TD_PARSER: return "parse";
    case TD_CLEANER: return "clean";
    case TD_SUMMARIZER: return "summarize";
    case TD_EXPORTER: return "export";
    }
    return "?";
}

static void err_line(td_buf *errors, const config *c, int line, const char *msg)
{
    td_buf_printf(errors, "%s:%d: %s\n", c->source, line, msg);
}

static bool core_section(const char *s)
{
    return !strcmp(s, "daemon") || !strcmp(s, "bus") || !strcmp(s, "plugins") ||
           !strcmp(s, "pipeline") || !strcmp(s, "metrics");
}

static int add_stage(chain *ch, const plugin_ref *ref)
{
    stage *s = realloc(ch->stages, (ch->nstages + 1) * sizeof(*s));
    if (s == NULL)
        return -1;
    ch->stages = s;
    ch->stages[ch->nstages++] = (stage){ .p = ref->p, .file = ref->file };
    return 0;
}

/* Adds the plugins of one [pipeline] list, checking names and kinds. */
static int add_list(chain *ch, const config *c, const conf_list *l,
                    const char *key, td_kind kind, td_buf *errors)
{
    int nerr = 0;
    char msg[512];
    for (size_t i = 0; i < l->n; i++) {
        const plugin_ref *ref = registry_find(&ch->reg, l->items[i]);
        if (ref == NULL)
            snprintf(msg, sizeof(msg), "[pipeline] %s: unknown plugin '%s' "
                     "(not found in plugin path %s)", key, l->items[i], ch->reg.path);
        else if (ref->p->kind != kind)
            snprintf(msg, sizeof(msg), "[pipeline] %s: plugin '%s' (%s) is a %s, "
                     "not a %s", key, l->items[i], ref->file,
                     kind_name(ref->p->kind), kind_name(kind));
        else if (add_stage(ch, ref) == 0)
            continue;
        else
            snprintf(msg, sizeof(msg), "out of memory");
        err_line(errors, c, l->lines[i], msg);
        nerr++;
    }
    return nerr;
}

/* Checks every plugin section of the config against declared options. */
static int check_sections(chain *ch, const config *c, td_buf *errors)
{
    int nerr = 0;
    char msg[512], why[256];

    for (size_t i = 0; i < c->nsections; i++) {
        const char *name = c->sections[i].section;
        if (!core_section(name) && registry_find(&ch->reg, name) == NULL) {
            snprintf(msg, sizeof(msg), "unknown section [%s]: no plugin of that "
                     "name in plugin path %s", name, ch->reg.path);
            err_line(errors, c, c->sections[i].line, msg);
            nerr++;
        }
    }
    for (size_t i = 0; i < c->nplugin_opts; i++) {
        const conf_entry *e = &c->plugin_opts[i];
        const plugin_ref *ref = registry_find(&ch->reg, e->section);
        if (ref == NULL)
            continue;           /* reported above */
        const td_option *o = ref->p->options;
        while (o && o->name && strcmp(o->name, e->key) != 0)
            o++;
        if (o == NULL || o->name == NULL) {
            snprintf(msg, sizeof(msg), "unknown key '%s' in [%s] (plugin %s "
                     "declares no such option; see `transcriptd plugins`)",
                     e->key, e->section, e->section);
        } else if (td__option_check(o->type, e->value, why, sizeof(why)) != 0) {
            snprintf(msg, sizeof(msg), "[%s] %s: %s", e->section, e->key, why);
        } else {
            continue;
        }
        err_line(errors, c, e->line, msg);
        nerr++;
    }
    return nerr;
}

static int init_stage(stage *s, const config *c, td_buf *errors)
{
    td_error err = { "" };
    s->opts = td__options_new(s->p->options, c->dir, paths_data_dir());
    if (s->opts == NULL)
        return td_buf_printf(errors, "out of memory\n"), 1;
    for (size_t i = 0; i < c->nplugin_opts; i++) {
        const conf_entry *e = &c->plugin_opts[i];
        if (strcmp(e->section, s->p->name) == 0)
            td__options_set(s->opts, e->key, e->value, NULL, 0);
    }
    if (s->p->init != NULL && s->p->init(&s->state, s->opts, &err) != 0) {
        td_buf_printf(errors, "%s: plugin %s (%s) failed to start: %s\n",
                      c->source, s->p->name, s->file,
                      err.message[0] ? err.message : "no reason given");
        return 1;
    }
    s->inited = true;
    return 0;
}

int chain_build(chain *ch, const config *c, td_buf *errors)
{
    int nerr;
    char *path = c->plugin_path && *c->plugin_path ? strdup(c->plugin_path)
                                                   : paths_default_plugin_path();

    memset(ch, 0, sizeof(*ch));
    nerr = registry_load(&ch->reg, path ? path : ".");
    free(path);
    if (nerr)
        td_buf_append(errors, ch->reg.errors.data, ch->reg.errors.len);

    if (c->parsers_auto) {
        for (size_t i = 0; i < ch->reg.n; i++)
            if (ch->reg.v[i].p->kind == TD_PARSER && add_stage(ch, &ch->reg.v[i]))
                nerr++;
        if (ch->nstages == 0) {
            td_buf_printf(errors, "%s: parsers = auto, but no parser plugin is "
                          "in plugin path %s\n", c->source, ch->reg.path);
            nerr++;
        }
    } else {
        nerr += add_list(ch, c, &c->parsers, "parsers", TD_PARSER, errors);
    }
    nerr += add_list(ch, c, &c->cleaners, "cleaners", TD_CLEANER, errors);
    nerr += add_list(ch, c, &c->summarizers, "summarizers", TD_SUMMARIZER, errors);
    nerr += add_list(ch, c, &c->exporters, "exporters", TD_EXPORTER, errors);
    nerr += check_sections(ch, c, errors);
    if (nerr)
        return nerr;

    for (size_t i = 0; i < ch->nstages; i++)
        nerr += init_stage(&ch->stages[i], c, errors);
    return nerr;
}

void chain_free(chain *ch)
{
    for (size_t i = 0; i < ch->nstages; i++) {
        stage *s = &ch->stages[i];
        if (s->inited && s->p->fini != NULL)
            s->p->fini(s->state);
        td__options_free(s->opts);
    }
    free(ch->stages);
    registry_free(&ch->reg);
    memset(ch, 0, sizeof(*ch));
}

chain *chain_new(const config *c, td_buf *errors)
{
    chain *ch = malloc(sizeof(*ch));
    if (ch == NULL) {
        td_buf_printf(errors, "out of memory\n");
        return NULL;
    }
    if (chain_build(ch, c, errors) != 0) {
        chain_free(ch);
        free(ch);
        return NULL;
    }
    ch->refs = 1;
    return ch;
}

chain *chain_ref(chain *ch)
{
    ch->refs++;
    return ch;
}

void chain_unref(chain *ch)
{
    if (ch != NULL && --ch->refs == 0) {
        chain_free(ch);
        free(ch);
    }
}

void chain_time_stages(chain *ch, timing_table *t)
{
    for (size_t i = 0; i < ch->nstages; i++)
        ch->stages[i].timing = timing_get(t, ch->stages[i].p->name);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fail(chain_failure *f, const char *plugin, const char *where,
                const char *msg)
{
    f->plugin = plugin;
    f->stage = where;
    snprintf(f->message, sizeof(f->message), "%s", msg);
    return -1;
}

/*
 * The time and memory limits, between stages: a thread cannot be stopped
 * safely in the middle of a plugin, so the stage that just ran is the one
 * blamed.
 */
static int check_limits(const td_doc *doc, const char *plugin, const char *where,
                        chain_failure *f)
{
    char why[sizeof(f->message)];
    if (td__doc_check_limits(doc, why, sizeof(why)) == 0)
        return 0;
    return fail(f, plugin, where, why);
}

/* The parser with the highest score; ties go to the one listed first. */
static const stage *pick_parser(const chain *ch, const td_doc *doc, int *best)
{
    const stage *pick = NULL;
    td_input in;

    td__input_from_doc(&in, doc);
    *best = 0;
    for (size_t i = 0; i < ch->nstages; i++) {
        const stage *s = &ch->stages[i];
        if (s->p->kind != TD_PARSER)
            continue;
        if (ch->on_stage != NULL)
            ch->on_stage(ch->on_stage_arg, s->p->name, "probe");
        int score = s->p->probe(s->state, &in);
        if (score > *best) {
            *best = score;
            pick = s;
        }
    }
    return pick;
}

/* Runs one stage; *stop is set when the watch ends the run before it. */
static int run_stage(const chain *ch, const stage *s, td_doc *doc,
                     const chain_watch *w, bool *stop, chain_failure *f)
{
    td_error err = { "" };
    if (w && w->before && !w->before(w->ctx, s, doc)) {
        *stop = true;
        return 0;
    }
    if (ch->on_stage != NULL)
        ch->on_stage(ch->on_stage_arg, s->p->name, stage_name(s->p->kind));
    uint64_t t0 = s->timing ? now_ns() : 0;
    td__doc_set_running(doc, s->p->name);
    int rc = s->p->run(s->state, doc, &err);
    td__doc_set_running(doc, NULL);
    if (s->timing)
        timing_record(s->timing, now_ns() - t0);
    /* Over a limit, what the plugin returned does not matter. */
    if (check_limits(doc, s->p->name, stage_name(s->p->kind), f) != 0)
        return -1;
    if (rc != 0) {
        char why[sizeof(f->message)];
        fail(f, s->p->name, stage_name(s->p->kind),
             err.message[0] ? err.message : "failed without a reason");
        /* A full disk: say which output and why, whatever the plugin said. */
        if (td__doc_output_error(doc, why, sizeof(why)) != 0 &&
            strstr(f->message, why) == NULL) {
            size_t n = strlen(f->message);
            snprintf(f->message + n, sizeof(f->message) - n, " (%s)", why);
        }
        return -1;
    }
    td__doc_compact(doc);
    if (w && w->after)
        w->after(w->ctx, s, doc);
    return 0;
}

int chain_run(const chain *ch, td_doc *doc, const chain_watch *w, chain_failure *f)
{
    int score;
    bool stop = false;

    if (check_limits(doc, "core", "decode", f) != 0)
        return -1;
    const stage *parser = pick_parser(ch, doc, &score);

    if (parser == NULL)
        return fail(f, "core", "parse", "no parser recognises this file as a "
                    "transcript (every probe scored 0)");
    if (td_doc_set_format(doc, parser->p->name) != 0)
        return fail(f, "core", "parse", "out of memory");
    if (run_stage(ch, parser, doc, w, &stop, f) != 0)
        return -1;
    if (!stop && td_doc_segment_count(doc) == 0)
        return fail(f, parser->p->name, "parse", "no transcript text found");

    for (size_t i = 0; i < ch->nstages && !stop; i++) {
        const stage *s = &ch->stages[i];
        if (s->p->kind != TD_PARSER && run_stage(ch, s, doc, w, &stop, f) != 0)
            return -1;
    }
    return 0;
}
