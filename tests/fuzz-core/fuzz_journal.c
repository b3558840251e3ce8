/*
 * fuzz_journal.c - the event journal's reader on a damaged file: what a
 * power cut or a full disk can leave behind (torn lines, zeros, garbage).
 *
 * The bytes become the newest journal file; opening must recover a last
 * seq at least as high as every seq it can replay, and the next event
 * appended must replay after them.
 */
#include "journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static char dir[64];

typedef struct seen {
    uint64_t max, count, last_topic_seq;
} seen;

static int on_event(void *arg, uint64_t seq, const char *topic, const char *json,
                    size_t len)
{
    seen *s = arg;
    (void)json;
    (void)len;
    if (seq > s->max)
        s->max = seq;
    if (strcmp(topic, "fuzz.appended") == 0)
        s->last_topic_seq = seq;
    s->count++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128], why[256];
    journal j;

    if (dir[0] == '\0') {
        /* Memory-backed when there is one: the journal syncs on close. */
        snprintf(dir, sizeof(dir), "%s/td-fuzz-journal-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        CHECK(mkdtemp(dir) != NULL);
    }
    /* A file whose name says its first seq is 100: even empty, it proves
     * that seqs up to 99 were used. */
    snprintf(path, sizeof(path), "%s/events-%020d.log", dir, 100);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    close(fd);

    if (journal_open(&j, dir, 1000000, why, sizeof(why)) == 0) {
        seen s = { 0 };
        CHECK(journal_replay(&j, 0, 100000, on_event, &s, NULL) >= 0);
        CHECK(j.last_seq >= s.max && j.last_seq >= 99);
        uint64_t next = j.last_seq + 1;
        CHECK(journal_append(&j, next, "fuzz.appended", "{}", 2) == 0);
        seen after = { 0 };
        CHECK(journal_replay(&j, 0, 100000, on_event, &after, NULL) >= 0);
        CHECK(after.last_topic_seq == next);
        journal_close(&j);
    }
    unlink(path);
    return 0;
}
