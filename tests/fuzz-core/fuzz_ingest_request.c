/*
 * fuzz_ingest_request.c - a whole submit request, as a client's frames.
 *
 * The input is cut into frames: byte 0 says how many frames the message
 * had beyond those kept (a client may send any number), byte 1 the
 * max_file_size (x 64 bytes; 0: no limit), then each frame is a 2-byte
 * little-endian length and its bytes, the last one taking what is left.
 * Checks that a request ingest_check_request() takes is exactly
 * [id, ("",) "SUBMIT", name, bytes] with a name ingest_check_name() takes
 * and bytes within the limit, and that every refusal says why.
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cuts data into at most INGEST_MAX_FRAMES frames; returns how many. */
static size_t frames(const uint8_t *data, size_t size, ingest_frame *f)
{
    size_t n = 0;
    while (size > 0 && n < INGEST_MAX_FRAMES) {
        size_t len = size >= 2 ? (size_t)(data[0] | data[1] << 8) : size;
        size_t skip = size >= 2 ? 2 : 0;
        if (len > size - skip || n == INGEST_MAX_FRAMES - 1)
            len = size - skip;
        f[n++] = (ingest_frame){ data + skip, len };
        data += skip + len;
        size -= skip + len;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t extra = data[0] % 4;
    long long max_size = (long long)data[1] * 64;
    ingest_frame f[INGEST_MAX_FRAMES];
    size_t kept = frames(data + 2, size - 2, f);
    if (kept == 0)
        return 0;
    /* Frames past the kept ones exist only in the count. */
    size_t n = kept < INGEST_MAX_FRAMES ? kept : kept + extra;

    ingest_request r;
    char why[128];
    const char *bad = ingest_check_request(f, n, max_size, &r, why, sizeof(why));
    if (bad != NULL) {
        CHECK(*bad != '\0' && strlen(bad) < sizeof(why));
        return 0;
    }
    size_t first = r.delimited ? 2 : 1;
    CHECK(n == first + 3 && n <= INGEST_MAX_FRAMES);
    CHECK(r.delimited == (f[1].len == 0));
    CHECK(f[first].len == 6 && memcmp(f[first].data, "SUBMIT", 6) == 0);
    CHECK(r.name == &f[first + 1] && r.body == &f[first + 2]);
    CHECK(ingest_check_name(r.name->data, r.name->len) == NULL);
    CHECK(r.name->len >= 1 && r.name->len <= INGEST_NAME_MAX);
    CHECK(max_size == 0 || r.body->len <= (size_t)max_size);
    return 0;
}
