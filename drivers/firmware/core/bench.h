/* The portable bench controller core: framing, replay cache and command handling (drivers/protocol.md).
 * Single-threaded: call everything from one loop (the board's interlock IRQ only sets its latch). */
#ifndef TILELOOP_BENCH_H
#define TILELOOP_BENCH_H
#include <stddef.h>
#include <stdint.h>

/* What STATUS reports; every counter counts from power-up (bench_init does not clear it) and wraps at 2^32. */
typedef struct {
    uint32_t frames_ok;        /* frames that passed COBS, length and CRC checks, of any version and type, replays included */
    uint32_t frames_malformed; /* non-empty delimited runs that failed them (an over-long run counts once) */
    uint32_t replays;          /* requests answered from the replay cache */
    uint32_t errors;           /* ERROR replies built (replays of them not counted) */
    uint32_t stimuli;          /* stimuli measured by FIRE_BATCH */
    uint32_t ref_pulses;       /* REF_PULSE commands executed */
    uint32_t interlock_trips;  /* times the core found the interlock latched after having found it clear */
} tl_counters_t;

/* Power-up: codes to their defaults, disarmed, session minor version 0, replay cache and results cleared. */
void bench_init(void);
/* Feeds one received byte; a complete frame is handled and its reply written with board_write(). */
void bench_rx_byte(uint8_t b);
/* Handles one decoded frame body; writes the encoded reply (with its delimiter) into out (TL_MAX_ENCODED + 1
 * bytes) and returns its length, or 0 when the body is malformed (dropped, counted). Exposed for tests. */
size_t bench_handle_frame(const uint8_t *frame, size_t len, uint8_t *out);
const tl_counters_t *bench_counters(void);
#endif
