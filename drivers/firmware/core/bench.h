#ifndef TILELOOP_BENCH_H
#define TILELOOP_BENCH_H
#include <stddef.h>
#include <stdint.h>

/* Resets protocol state (codes to defaults, disarmed, reply cache and results cleared). */
void bench_init(void);
/* Feeds one received byte; a complete frame is handled and its reply written with board_write(). */
void bench_rx_byte(uint8_t b);
/* Handles one decoded frame; writes the encoded reply (with delimiter) into out, returns its length,
 * or 0 when the frame is dropped (bad CRC, length or version). Exposed for tests. */
size_t bench_handle_frame(const uint8_t *frame, size_t len, uint8_t *out);
/* Counters for STATUS. */
uint32_t bench_frames_ok(void);
uint32_t bench_frames_bad(void);
#endif
