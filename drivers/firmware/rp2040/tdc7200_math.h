/* TI TDC7200 arithmetic (datasheet SNAS647): register addresses and settings, calibration and the mode-2
 * time of flight. Pure functions of register values, no I/O: compiled for the RP2040 (tdc7200.c) and for the
 * host checks (host/tdc7200_check.c). Times are in ps, register values in counts. */
#ifndef TILELOOP_TDC7200_MATH_H
#define TILELOOP_TDC7200_MATH_H
#include <stdint.h>

#define TDC_CONFIG1 0x00
#define TDC_CONFIG2 0x01
#define TDC_INT_STATUS 0x02
#define TDC_INT_MASK 0x03
#define TDC_CLOCK_CNTR_OVF_H 0x06
#define TDC_CLOCK_CNTR_OVF_L 0x07
#define TDC_TIME1 0x10         /* TIME1..TIME6: 0x10, 0x12, ..., 0x1A */
#define TDC_CLOCK_COUNT1 0x11  /* CLOCK_COUNT1..5: 0x11, 0x13, ..., 0x19 */
#define TDC_CALIBRATION1 0x1B
#define TDC_CALIBRATION2 0x1C
#define TDC_MAX_STOPS 5

/* What one mode-2 measurement left in the result registers (24-bit values). */
typedef struct {
    uint32_t time[TDC_MAX_STOPS + 1];      /* TIME1..TIME6: ring-oscillator counts */
    uint32_t clock_count[TDC_MAX_STOPS];   /* CLOCK_COUNT1..5: whole reference-clock periods */
    uint32_t calibration1, calibration2;   /* ring-oscillator counts over 1 and CALIBRATION2_PERIODS clock periods */
} tdc7200_regs_t;

/* Register address of TIMEn (n = 1..6) and CLOCK_COUNTn (n = 1..5). */
uint8_t tdc7200_time_reg(int n);
uint8_t tdc7200_clock_count_reg(int n);

/* CONFIG2 for cal2_periods (2, 10, 20 or 40), one measurement per cycle (no averaging) and stops STOP edges
 * (1..5); 0xFF when either is out of range. */
uint8_t tdc7200_config2(int cal2_periods, int stops);

/* normLSB in ps: clock_period_ps / calCount, calCount = (CALIBRATION2 - CALIBRATION1) / (cal2_periods - 1).
 * Returns a negative value when CALIBRATION2 <= CALIBRATION1 (no valid calibration). */
double tdc7200_norm_lsb_ps(uint32_t calibration1, uint32_t calibration2, int cal2_periods, double clock_period_ps);

/* Mode 2: TOF_n = normLSB * (TIME1 - TIME(n+1)) + CLOCK_COUNT_n * clock_period_ps, for n = 1..stops (<= 5) in
 * order, stopping at the first STOP that never arrived (CLOCK_COUNT_n = 0: the clock counter overflowed first).
 * Writes the times of flight in ps to tof_ps and returns how many, or -1 when the calibration is invalid. */
int tdc7200_mode2_tof_ps(const tdc7200_regs_t *r, int stops, int cal2_periods, double clock_period_ps, double *tof_ps);

/* CLOCK_CNTR_OVF (16 bits, in clock periods) that ends a measurement timeout_ps after START: the smallest count
 * covering it, at least 1, at most 0xFFFF. */
uint16_t tdc7200_clock_overflow(double timeout_ps, double clock_period_ps);
#endif
