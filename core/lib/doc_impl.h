/*
 * doc_impl.h - the layout of td_doc, private to libtranscriptd.
 */
#ifndef TD_DOC_IMPL_H
#define TD_DOC_IMPL_H

#include "arena.h"
#include "internal.h"

struct td_segment {
    td_ms start;
    td_ms end;
    int speaker;
    td_seg_kind kind;
    bool dropped;
    const char *text;
    size_t len;
    const char *label;
};

typedef struct td_speaker {
    const char *id;
    const char *name;
} td_speaker;

typedef struct td_chapter {
    td_ms start;
    const char *title;
} td_chapter;

typedef struct td_summary_line {
    td_ms start;
    int speaker;
    const char *text;
} td_summary_line;

typedef struct td_keyword {
    const char *phrase;
    double score;
} td_keyword;

/* A growable array; elements are moved by realloc, never kept by address. */
#define TD_VEC(type) struct { type *v; size_t n, cap; }

/* Data a plugin keeps with the document (td_doc_attach). */
typedef struct td_attachment {
    const char *key;
    void *data;
    void (*free_fn)(void *);
} td_attachment;

struct td_output {
    td_output *next;
    const char *ext;
    char *tmp_path;
    char *final_path;
    int fd;
    int error;          /* the first write error (errno), 0 if none */
    td_buf pending;     /* written out in large blocks: exporters write small pieces */
};

struct td_doc {
    td_arena arena;
    const char *name;
    char id[17];
    size_t size;
    char *text;
    size_t text_len;
    td_decode_info decode;

    const char *format;
    const char *title;
    const char *date;
    TD_VEC(td_speaker) speakers;
    TD_VEC(td_segment) segments;
    TD_VEC(td_chapter) chapters;
    TD_VEC(td_summary_line) summary;
    TD_VEC(td_keyword) keywords;
    json_t *stats;
    json_t *meta;
    json_t *changes;
    json_t *warnings;
    const char *running;

    const char *outdir;
    const char *stagedir;   /* where outputs are written instead, or NULL */
    const char *stem;
    bool sync;
    td_output *outputs;
    TD_VEC(td_attachment) attached;

    uint64_t deadline_ns;   /* CLOCK_MONOTONIC; 0: no time limit */
    unsigned timeout_s;     /* the limit, for the message */
    size_t max_memory;      /* 0: no memory limit */
};

/* Makes room for one more element; 0 or -ENOMEM. */
int td__vec_grow(void **v, size_t *cap, size_t n, size_t elsize);
#define TD_VEC_PUSH_ROOM(vec) \
    td__vec_grow((void **)&(vec).v, &(vec).cap, (vec).n, sizeof(*(vec).v))

#endif
