/* The event journal: seq across reopen, torn lines, retention, replay. */
#include "harness.h"

#include "journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/td-journal-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

static void open_or_fail(journal *j, uint64_t max)
{
    char why[256];
    if (journal_open(j, dir, max, why, sizeof(why)) != 0)
        fail_msg("%s", why);
}

typedef struct seen {
    uint64_t seqs[64];
    size_t n;
    char last_topic[32];
} seen;

static int collect(void *arg, uint64_t seq, const char *topic, const char *json,
                   size_t len)
{
    seen *s = arg;
    assert_true(len > 0 && json[0] == '{' && json[len - 1] == '}');
    s->seqs[s->n++] = seq;
    snprintf(s->last_topic, sizeof(s->last_topic), "%s", topic);
    return 0;
}

static void seq_survives_reopen(void **state)
{
    journal j;
    (void)state;
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 0);
    for (uint64_t s = 1; s <= 5; s++)
        assert_int_equal(journal_append(&j, s, "t.x", "{\"a\":1}", 7), 0);
    journal_close(&j);
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 5);

    seen got = { 0 };
    uint64_t oldest;
    assert_int_equal(journal_replay(&j, 2, 100, collect, &got, &oldest), 3);
    assert_int_equal(got.seqs[0], 3);
    assert_int_equal(got.seqs[2], 5);
    assert_string_equal(got.last_topic, "t.x");
    assert_int_equal(oldest, 1);
    journal_close(&j);
}

static void torn_line_is_cut(void **state)
{
    journal j;
    char path[256];
    (void)state;
    open_or_fail(&j, 100);
    journal_append(&j, 1, "a", "{}", 2);
    journal_append(&j, 2, "a", "{}", 2);
    journal_close(&j);
    /* A crash in the middle of writing seq 3. */
    snprintf(path, sizeof(path), "%s/events-%020d.log", dir, 1);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "3\ta\t{\"hal", 10), 10);
    close(fd);
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 2);
    journal_append(&j, 3, "a", "{}", 2);
    seen got = { 0 };
    assert_int_equal(journal_replay(&j, 0, 100, collect, &got, NULL), 3);
    assert_int_equal(got.seqs[2], 3);
    journal_close(&j);
}

static void retention_drops_oldest_files(void **state)
{
    journal j;
    (void)state;
    open_or_fail(&j, 1000);     /* files of 1000 events */
    for (uint64_t s = 1; s <= 3500; s++)
        assert_int_equal(journal_append(&j, s, "e", "{}", 2), 0);
    seen got = { 0 };
    uint64_t oldest;
    assert_int_equal(journal_replay(&j, 3490, 64, collect, &got, &oldest), 10);
    /* At least max_events are kept; whole older files are gone. */
    assert_true(oldest > 1 && 3500 - oldest + 1 >= 1000);
    assert_int_equal(journal_replay(&j, 0, 5, collect, &(seen){ 0 }, NULL), 5);
    journal_close(&j);
}

/* The daemon killed: its descriptor closed, nothing synced or written. */
static void crash(journal *j)
{
    close(j->fd);
    free(j->dir);
}

/* A power cut and a reboot: the floor file names another boot. */
static void reboot(void)
{
    char path[256], line[160];
    snprintf(path, sizeof(path), "%s/seq.floor", dir);
    FILE *f = fopen(path, "r+");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    char *space = strchr(line, ' ');
    assert_non_null(space);
    rewind(f);
    assert_int_equal(ftruncate(fileno(f), 0), 0);
    fprintf(f, "another-boot%s", space);
    fclose(f);
}

static void cut_after_lines(int keep)
{
    char path[256], line[256];
    snprintf(path, sizeof(path), "%s/events-%020d.log", dir, 1);
    FILE *f = fopen(path, "r+");
    assert_non_null(f);
    for (int i = 0; i < keep; i++)
        assert_non_null(fgets(line, sizeof(line), f));
    assert_int_equal(ftruncate(fileno(f), ftell(f)), 0);
    fclose(f);
}

static void empty_newest_file_keeps_seq(void **state)
{
    journal j;
    char path[256];
    (void)state;
    /* Created for seq 100, then the daemon died before writing it. */
    snprintf(path, sizeof(path), "%s/events-%020d.log", dir, 100);
    close(open(path, O_WRONLY | O_CREAT, 0640));
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 99);
    journal_close(&j);
}

static void crash_keeps_every_seq_written(void **state)
{
    journal j;
    (void)state;
    open_or_fail(&j, 100);
    for (uint64_t s = 1; s <= 5; s++)
        journal_append(&j, s, "e", "{}", 2);
    crash(&j);
    /* Same boot: the kernel kept every line; no gap. */
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 5);
    journal_close(&j);
}

static void power_cut_never_reuses_a_seq(void **state)
{
    journal j;
    (void)state;
    open_or_fail(&j, 100);
    for (uint64_t s = 1; s <= 5; s++)
        journal_append(&j, s, "e", "{}", 2);
    crash(&j);
    /* Seqs 3 to 5 went out but never reached the disk. */
    cut_after_lines(2);
    reboot();
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 1024);         /* after the reserved block */
    assert_int_equal(journal_append(&j, 1025, "e", "{}", 2), 0);
    seen got = { 0 };
    assert_int_equal(journal_replay(&j, 0, 100, collect, &got, NULL), 3);
    assert_int_equal(got.seqs[1], 2);
    assert_int_equal(got.seqs[2], 1025);
    journal_close(&j);
}

static void clean_stop_then_reboot_leaves_no_gap(void **state)
{
    journal j;
    (void)state;
    open_or_fail(&j, 100);
    for (uint64_t s = 1; s <= 5; s++)
        journal_append(&j, s, "e", "{}", 2);
    journal_close(&j);
    reboot();
    open_or_fail(&j, 100);
    assert_int_equal(j.last_seq, 5);
    journal_close(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(seq_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(torn_line_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(retention_drops_oldest_files, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_newest_file_keeps_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(crash_keeps_every_seq_written, setup, teardown),
        cmocka_unit_test_setup_teardown(power_cut_never_reuses_a_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(clean_stop_then_reboot_leaves_no_gap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
