/*
 * fuzz_config.c - the config reader on arbitrary bytes, by the same stream
 * path a file takes (config_load_text() reads them through fmemopen).
 *
 * Checks that every error is reported as a "NAME:LINE: message" line and
 * that the result is a usable config either way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    config c;
    int n = config_load_text(&c, "fuzz.conf", (const char *)data, size);

    CHECK(n == c.nerrors);
    if (n > 0) {
        CHECK(c.errors.data != NULL && c.errors.data[c.errors.len - 1] == '\n');
        int lines = 0;
        for (const char *p = c.errors.data; (p = strchr(p, '\n')) != NULL; p++)
            lines++;
        CHECK(lines >= n);      /* a message may itself hold a newline */
        CHECK(strncmp(c.errors.data, "fuzz.conf:", 10) == 0);
    }
    CHECK(c.inbox && c.inbox[0] == '/' && c.outbox && c.outbox[0] == '/');
    for (size_t i = 0; i < c.nplugin_opts; i++)
        CHECK(c.plugin_opts[i].section && c.plugin_opts[i].key &&
              c.plugin_opts[i].value);
    config_free(&c);
    return 0;
}
