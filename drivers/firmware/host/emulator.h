#ifndef TILELOOP_EMULATOR_H
#define TILELOOP_EMULATOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/board.h"

#define EMU_CHANNELS 4

typedef struct {
    uint64_t seed;
    double corrupt_rate;     /* per byte sent to the host: probability of a flipped bit */
    double drop_rate;        /* per reply frame: probability it is never sent */
    long disconnect_after;   /* exit with status 3 after this many replies (-1: never) */
    long interlock_after;    /* trip the interlock at this measurement (1-based; -1: never) */
    double jitter_ps;        /* standard deviation of timing jitter */
    uint32_t lsb_ps;         /* timestamp unit */
    double offset_ps[4];     /* per-channel timing-chain offset */
    double gain_ppm[4];      /* per-channel timing-chain gain error */
    long drift_after;        /* after this many measurements every offset moves by drift_ps (-1: never) */
    double drift_ps;
    FILE *truth;             /* ground-truth log, one JSON line per measured stimulus, or NULL */
    int fd;                  /* the serial side */
    bool tile_oracle;        /* the tile's response comes from the oracle process (tile_oracle.c), not the built-in model */
} emulator_config_t;

/* What the tile did during one stimulus, before the timing chain. */
typedef struct {
    bool energy_valid;
    double energy_fj;
    long count[EMU_CHANNELS];                /* spikes in the window */
    int stored[EMU_CHANNELS];                /* times kept: the first min(count, TL_MAX_SPIKES) */
    double t_ps[EMU_CHANNELS][TL_MAX_SPIKES]; /* true spike times after the stimulus origin, ascending */
} tile_response_t;

extern emulator_config_t emu;
void emulator_reseed(void);

/* Makes stdout the oracle's request stream and sends everything else printed there to stderr. */
int tile_oracle_open(void);
/* Sends one request line (ending in \n) and reads one reply line; 0, or TL_E_HARDWARE after logging why to stderr. */
int tile_oracle_ask(const char *request, int n_channels, double window_ps, tile_response_t *out);
/* Strict reply parser: 0 and *out filled, or -1 with a reason in why. line has no trailing newline. */
int tile_oracle_parse(const char *line, int n_channels, double window_ps, tile_response_t *out, char *why, size_t why_len);
#endif
