#ifndef TILELOOP_EMULATOR_H
#define TILELOOP_EMULATOR_H
#include <stdint.h>
#include <stdio.h>

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
} emulator_config_t;

extern emulator_config_t emu;
void emulator_reseed(void);
#endif
