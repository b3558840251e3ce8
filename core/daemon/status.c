/*
 * status.c - see status.h.
 */
#include "status.h"

#include <transcriptd/version.h>

static json_t *chain_names(const chain *ch)
{
    json_t *names = json_array();
    for (size_t i = 0; ch && i < ch->nstages; i++)
        json_array_append_new(names, json_string(ch->stages[i].p->name));
    return names;
}

static json_t *plugin_times(const timing_table *t)
{
    json_t *list = json_array();
    for (size_t i = 0; t && i < t->n; i++) {
        stage_timing s;
        timing_snapshot(t->v[i], &s);
        json_array_append_new(list, json_pack(
            "{s:s, s:I, s:f, s:f, s:f}", "name", s.name,
            "count", (json_int_t)s.count,
            "p50_ms", timing_quantile_ms(&s, 0.50),
            "p99_ms", timing_quantile_ms(&s, 0.99),
            "total_ms", s.sum_ns / 1e6));
    }
    return list;
}

json_t *status_json(const daemon_counters *c)
{
    return json_pack("{s:i, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:b,"
                     " s:o, s:o}",
                     "pid", c->pid, "version", TD_VERSION_STRING,
                     "uptime_s", c->uptime_s,
                     "queued", (json_int_t)c->queued,
                     "in_flight", (json_int_t)c->in_flight,
                     "done", (json_int_t)c->done,
                     "failed", (json_int_t)c->failed,
                     "reloads", (json_int_t)c->reloads,
                     "reloads_refused", (json_int_t)c->reloads_refused,
                     "workers", c->workers, "stopping", c->stopping,
                     "chain", chain_names(c->chain),
                     "plugins", plugin_times(c->timings));
}

static void metric(td_buf *out, const char *name, const char *type,
                   const char *help, double value)
{
    td_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
    if (value == (double)(long long)value)
        td_buf_printf(out, "%s %lld\n", name, (long long)value);
    else
        td_buf_printf(out, "%s %.3f\n", name, value);
}

/* Plugin names are C identifiers in practice; escape anyway. */
static void label_value(td_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            td_buf_putc(out, '\\');
        if (*s == '\n')
            td_buf_append(out, "\\n", 2);
        else
            td_buf_putc(out, *s);
    }
}

static void histograms(td_buf *out, const timing_table *t)
{
    const char *name = "transcriptd_plugin_run_seconds";
    td_buf_printf(out, "# HELP %s Time spent in each plugin's run(), per "
                  "document.\n# TYPE %s histogram\n", name, name);
    for (size_t i = 0; t && i < t->n; i++) {
        stage_timing s;
        timing_snapshot(t->v[i], &s);
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= TIMING_BOUNDS; b++) {
            cumulative += s.buckets[b];
            td_buf_printf(out, "%s_bucket{plugin=\"", name);
            label_value(out, s.name);
            if (b < TIMING_BOUNDS)
                td_buf_printf(out, "\",le=\"%g\"} %llu\n",
                              timing_bounds_ns[b] / 1e9,
                              (unsigned long long)cumulative);
            else
                td_buf_printf(out, "\",le=\"+Inf\"} %llu\n",
                              (unsigned long long)cumulative);
        }
        td_buf_printf(out, "%s_sum{plugin=\"", name);
        label_value(out, s.name);
        td_buf_printf(out, "\"} %.9f\n%s_count{plugin=\"", s.sum_ns / 1e9, name);
        label_value(out, s.name);
        td_buf_printf(out, "\"} %llu\n", (unsigned long long)s.count);
    }
}

int status_prometheus(const daemon_counters *c, td_buf *out)
{
    metric(out, "transcriptd_uptime_seconds", "gauge",
           "Seconds since the daemon started.", c->uptime_s);
    metric(out, "transcriptd_queue_depth", "gauge",
           "Files waiting in the drop folder, not yet started.", (double)c->queued);
    metric(out, "transcriptd_files_in_flight", "gauge",
           "Files being processed now.", (double)c->in_flight);
    metric(out, "transcriptd_files_done_total", "counter",
           "Files processed successfully.", (double)c->done);
    metric(out, "transcriptd_files_failed_total", "counter",
           "Files that failed.", (double)c->failed);
    metric(out, "transcriptd_reloads_total", "counter",
           "Configuration reloads applied.", (double)c->reloads);
    metric(out, "transcriptd_reloads_refused_total", "counter",
           "Configuration reloads refused because of errors.",
           (double)c->reloads_refused);
    metric(out, "transcriptd_workers", "gauge", "Worker threads.",
           (double)c->workers);
    histograms(out, c->timings);
    return out->data ? 0 : -1;
}
