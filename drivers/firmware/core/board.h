/* The board layer: what the portable core (bench.c) needs from a controller board.
 * Implemented by rp2040/board_rp2040.c (the reference bench) and host/board_host.c (the emulator). */
#ifndef TILELOOP_BOARD_H
#define TILELOOP_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define TL_MAX_CHANNELS 8
#define TL_MAX_INPUTS TL_MAX_STIMULUS_INPUTS
#define TL_MAX_PARAMS 16
#define TL_MAX_BATCH 16
#define TL_MAX_SPIKES 8

typedef struct {
    const char *name;
    const char *unit;
    uint16_t code_min, code_max;      /* code_min < code_max */
    uint16_t default_code;            /* applied at power-up; must be a safe code */
    float value_at_min, value_at_max; /* linear map: value(code), increasing or decreasing (not equal) */
    float safety_min, safety_max;     /* compiled-in hardware limits; codes outside are refused */
} tl_param_info_t;

typedef struct {
    const char *firmware_version;
    const char *board_id;
    uint32_t timing_lsb_ps;  /* one timestamp unit in ps */
    uint32_t max_delay_ps;   /* latest input delay a stimulus may ask for */
    uint32_t window_ps;      /* spikes are timestamped from 0 to window_ps after the stimulus origin */
    uint8_t n_channels;
    const char *const *channel_names;
    uint8_t n_inputs;
    const char *const *input_names;
    uint8_t n_params;
    const tl_param_info_t *params;
} tl_board_info_t;

typedef struct {
    uint8_t n;
    uint8_t input[TL_MAX_INPUTS];
    uint32_t delay_ps[TL_MAX_INPUTS];
} tl_stimulus_t;

typedef struct {
    uint8_t spike_count; /* the true number of spikes in the window (saturating at TL_MAX_COUNT), may exceed stored */
    uint8_t stored;      /* min(spike_count, TL_MAX_SPIKES) */
    int32_t ts[TL_MAX_SPIKES]; /* timestamps in timing_lsb_ps units from the origin, ascending; negative: before it */
} tl_channel_result_t;

typedef struct {
    uint8_t flags;      /* TL_RESULT_ENERGY_VALID, TL_RESULT_COUNT_LIMITED */
    uint32_t energy_fj; /* 0 unless TL_RESULT_ENERGY_VALID */
    tl_channel_result_t ch[TL_MAX_CHANNELS];
} tl_result_t;

const tl_board_info_t *board_info(void);
/* Applies parameter codes; the core has checked every code against range and safety limits. */
void board_apply_codes(const uint16_t *codes);
/* Switches the tile's drive (input pulse generators, parameter DACs' outputs) on or off. */
void board_set_drive(bool on);
/* Latched interlock state: true once the interlock input tripped, until board_interlock_clear(). */
bool board_interlock_tripped(void);
/* Clears the latch if the interlock input is released; returns whether it is clear now. */
bool board_interlock_clear(void);
/* Discharges the tile's membranes (reset line). */
void board_tile_reset(void);
/* Fires one stimulus and timestamps every channel's spikes in [0, window_ps] after the origin.
 * Returns 0, TL_E_INTERLOCK when the interlock tripped during it, or another TL_E_* code. */
int board_measure(const tl_stimulus_t *s, tl_result_t *r);
/* Injects a reference edge delay_ps after the origin into the timing chain of each channel in mask and
 * writes what each chain read (timing_lsb_ps units, signed). Returns 0, TL_E_INTERLOCK or another TL_E_* code. */
int board_ref_pulse(uint8_t mask, uint32_t delay_ps, int32_t *ts);
/* Sends bytes to the host. */
void board_write(const uint8_t *data, size_t len);

#endif
