/*
 * An exporter that keeps a store of its own, as a database exporter does:
 * it appends each document's source name to store.txt in td_export_dir().
 * For the tests that check where such a store lands with worker processes.
 */
#include <transcriptd/plugin.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int run(void *state, td_doc *doc, td_error *err)
{
    (void)state;
    char path[4096], line[1024];
    snprintf(path, sizeof(path), "%s/store.txt", td_export_dir(doc));
    int n = snprintf(line, sizeof(line), "%s\n", td_doc_source_name(doc));
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)n) != n) {
        td_error_set(err, "cannot append to %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static const td_plugin plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "store",
    .version = "0",
    .summary = "appends to store.txt in the export folder; for tests",
    .run = run,
};

TD_PLUGIN_DEFINE(plugin)
