/*
 * space_bits.h - where the spaces are in up to 64 bytes of text, as a bit
 * mask, for the cleaners that split caption text into words (sentences,
 * fillers) without a branch per byte.
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

#endif
