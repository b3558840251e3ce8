/*
 * space_bits.h - the words of a text, found from a bit mask of its spaces
 * without a branch per byte, for the cleaners that split caption text
 * into words (sentences, fillers).
 */
#ifndef TD_CLEANERS_SPACE_BITS_H
#define TD_CLEANERS_SPACE_BITS_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Bit i set when s[i] is a space, for the n <= 64 bytes at s: eight bytes
 * at a time, a space made a zero byte and the zero bytes' high bits
 * gathered by a multiply.
 */
static inline uint64_t space_bits(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t x = 0;
        if (n - i >= 8) {
            memcpy(&x, s + i, 8);
            x = le64toh(x);
        } else {
            for (size_t k = 0; k < n - i; k++)
                x |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
        }
        x ^= ones * ' ';
        uint64_t zero = ~(((x & ~highs) + ~highs) | x) & highs;
        bits |= ((zero >> 7) * 0x0102040810204080u) >> 56 << i;
    }
    return bits;
}

typedef void space_word_fn(void *ctx, size_t start, size_t end);

/*
 * Calls word(ctx, start, end) for each run of non-space bytes of
 * text[0..len), in order.  Starts and ends are the bits where a space
 * follows a non-space or the other way round; they alternate, so each
 * second one ends a word.  Always inlined, so that word is a direct call
 * the compiler inlines too: a call through the pointer for every word
 * made fillers half again as slow.
 */
__attribute__((always_inline))
static inline void space_words(const char *text, size_t len, space_word_fn *word,
                               void *ctx)
{
    size_t start = SIZE_MAX;            /* of a word not ended yet */
    uint64_t space_before = 1;
    for (size_t base = 0; base < len; base += 64) {
        size_t n = len - base < 64 ? len - base : 64;
        uint64_t sp = space_bits(text + base, n);
        if (n < 64)
            sp |= ~(uint64_t)0 << n;    /* past the end: as good as a space */
        uint64_t before = sp << 1 | space_before;
        uint64_t edges = (~sp & before) | (sp & ~before);
        space_before = sp >> 63;
        for (; edges != 0; edges &= edges - 1) {
            size_t at = base + (size_t)__builtin_ctzll(edges);
            if (start == SIZE_MAX) {
                start = at;
            } else {
                word(ctx, start, at);
                start = SIZE_MAX;
            }
        }
    }
    if (start != SIZE_MAX)
        word(ctx, start, len);
}

#endif
