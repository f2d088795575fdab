/* TI TDC7200 time-to-digital converter on SPI (datasheet SNAS647), in measurement mode 2. One chip per tile
 * channel. The arithmetic is in tdc7200_math.c; this file does the SPI and INTB side. Call from one thread. */
#ifndef TILELOOP_TDC7200_H
#define TILELOOP_TDC7200_H
#include <stdbool.h>
#include <stdint.h>

#include "hardware/spi.h"
#include "tdc7200_math.h"

#define TDC_CAL2_PERIODS 10 /* calibration over 10 reference-clock periods */

typedef struct {
    spi_inst_t *spi;
    uint cs_pin;
    uint intb_pin;
    double clock_period_ps; /* reference clock, e.g. 8 MHz -> 125000 ps */
} tdc7200_t;

void tdc7200_init(const tdc7200_t *t);
/* Arms one mode-2 measurement for up to stops (1..5) STOP edges; it ends timeout_ps after START at the latest
 * (clock-counter overflow), so a channel with fewer edges still completes. */
void tdc7200_arm(const tdc7200_t *t, uint8_t stops, double timeout_ps);
/* Waits for INTB (measurement done) up to timeout_us; false on timeout. */
bool tdc7200_wait(const tdc7200_t *t, uint32_t timeout_us);
/* Reads the result: times of flight in ps from START to each STOP that arrived; returns how many, -1 when the
 * calibration registers are invalid. */
int tdc7200_read(const tdc7200_t *t, uint8_t stops, double *tof_ps);
#endif
