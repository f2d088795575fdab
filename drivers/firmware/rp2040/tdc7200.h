/* TI TDC7200 time-to-digital converter on SPI (datasheet SNAS647). One chip per tile channel. */
#ifndef TILELOOP_TDC7200_H
#define TILELOOP_TDC7200_H
#include <stdbool.h>
#include <stdint.h>

#include "hardware/spi.h"

#define TDC_CONFIG1 0x00
#define TDC_CONFIG2 0x01
#define TDC_INT_STATUS 0x02
#define TDC_INT_MASK 0x03
#define TDC_TIME1 0x10
#define TDC_CLOCK_COUNT1 0x11
#define TDC_CALIBRATION1 0x1B
#define TDC_CALIBRATION2 0x1C

typedef struct {
    spi_inst_t *spi;
    uint cs_pin;
    uint intb_pin;
    double clock_period_ps; /* reference clock, e.g. 8 MHz -> 125000 ps */
} tdc7200_t;

void tdc7200_init(const tdc7200_t *t);
/* Arms one measurement in mode 2 (long range) for up to 5 STOP edges, 10-period calibration. */
void tdc7200_arm(const tdc7200_t *t, uint8_t stops);
/* Waits for INTB (measurement done) up to timeout_us; false on timeout. */
bool tdc7200_wait(const tdc7200_t *t, uint32_t timeout_us);
/* Reads the result: times of flight in ps from START to each STOP that arrived; returns how many. */
int tdc7200_read(const tdc7200_t *t, uint8_t stops, double *tof_ps);
#endif
