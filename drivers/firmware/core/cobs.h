#ifndef TILELOOP_COBS_H
#define TILELOOP_COBS_H
#include <stddef.h>
#include <stdint.h>
/* Consistent Overhead Byte Stuffing. Encoded output has no zero bytes; the caller appends the 0x00 delimiter.
 * out must hold len + len / 254 + 1 bytes. Returns the encoded length. */
size_t tl_cobs_encode(const uint8_t *in, size_t len, uint8_t *out);
/* Returns the decoded length, or 0 for malformed input (a zero byte or a code running past the end). */
size_t tl_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap);
#endif
