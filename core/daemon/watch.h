/*
 * watch.h - inotify on the drop folder, driven by the libuv loop.
 *
 * Reports a name when a file is closed after writing (IN_CLOSE_WRITE) or
 * renamed into the folder (IN_MOVED_TO): the two ways a whole file
 * arrives.  Names created otherwise (links, FIFOs, directories) go to
 * on_create.  A kernel queue overflow is reported so that the caller can
 * rescan the folder; nothing is lost that way.
 */
#ifndef TD_WATCH_H
#define TD_WATCH_H

#include <uv.h>

typedef struct watch watch;
typedef void (*watch_file_cb)(watch *w, const char *name);
typedef void (*watch_overflow_cb)(watch *w);

struct watch {
    uv_poll_t poll;
    int fd;
    int wd;
    watch_file_cb on_file;
    watch_overflow_cb on_overflow;
    /*
     * Optional, set before watch_start(): a name was created (IN_CREATE)
     * or a directory moved in.  A regular file created is still being
     * written and comes again through on_file; a link, FIFO or socket
     * never does.
     */
    watch_file_cb on_create;
    void *data;
};

/* Returns 0 or a negative errno. */
int watch_start(watch *w, uv_loop_t *loop, const char *dir,
                watch_file_cb on_file, watch_overflow_cb on_overflow);
void watch_stop(watch *w);

#endif
