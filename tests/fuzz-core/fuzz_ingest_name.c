/*
 * fuzz_ingest_name.c - the name a client gives with ["SUBMIT", name, bytes].
 *
 * Checks that a name ingest_check_name() lets through can only ever be a
 * plain file name in the drop folder: 1 to 200 bytes of valid UTF-8, no
 * '/', no NUL or other control character, no leading dot (so not "." or
 * ".." either); and that every refusal says why.
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <transcriptd/text.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name = (const char *)data;
    const char *bad = ingest_check_name(name, size);
    if (bad != NULL) {
        CHECK(*bad != '\0');
        return 0;
    }
    CHECK(size >= 1 && size <= INGEST_NAME_MAX);
    CHECK(name[0] != '.');
    CHECK(memchr(name, '/', size) == NULL && memchr(name, '\0', size) == NULL);
    for (size_t i = 0; i < size;) {
        int32_t cp;
        int n = td_utf8_decode(name + i, size - i, &cp);
        CHECK(n > 0 && cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0));
        i += (size_t)n;
    }
    return 0;
}
