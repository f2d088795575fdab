#include "tdc7200_math.h"

#include <math.h>

uint8_t tdc7200_time_reg(int n) { return (uint8_t)(TDC_TIME1 + 2 * (n - 1)); }
uint8_t tdc7200_clock_count_reg(int n) { return (uint8_t)(TDC_CLOCK_COUNT1 + 2 * (n - 1)); }

uint8_t tdc7200_config2(int cal2_periods, int stops)
{
    int field;
    switch (cal2_periods) { /* CONFIG2[7:6] CALIBRATION2_PERIODS */
    case 2: field = 0; break;
    case 10: field = 1; break;
    case 20: field = 2; break;
    case 40: field = 3; break;
    default: return 0xFF;
    }
    if (stops < 1 || stops > TDC_MAX_STOPS) {
        return 0xFF;
    }
    return (uint8_t)(field << 6 | (stops - 1)); /* [5:3] AVG_CYCLES = 0: 1 cycle; [2:0] NUM_STOP = stops - 1 */
}

double tdc7200_norm_lsb_ps(uint32_t calibration1, uint32_t calibration2, int cal2_periods, double clock_period_ps)
{
    if (calibration2 <= calibration1 || cal2_periods < 2) {
        return -1.0;
    }
    double cal_count = (double)(calibration2 - calibration1) / (cal2_periods - 1);
    return clock_period_ps / cal_count;
}

int tdc7200_mode2_tof_ps(const tdc7200_regs_t *r, int stops, int cal2_periods, double clock_period_ps, double *tof_ps)
{
    double norm_lsb_ps = tdc7200_norm_lsb_ps(r->calibration1, r->calibration2, cal2_periods, clock_period_ps);
    if (norm_lsb_ps < 0) {
        return -1;
    }
    int n = 0;
    while (n < stops && n < TDC_MAX_STOPS && r->clock_count[n] != 0) {
        tof_ps[n] = norm_lsb_ps * ((double)r->time[0] - (double)r->time[n + 1]) + r->clock_count[n] * clock_period_ps;
        n++;
    }
    return n;
}

uint16_t tdc7200_clock_overflow(double timeout_ps, double clock_period_ps)
{
    double periods = ceil(timeout_ps / clock_period_ps);
    return (uint16_t)(periods < 1 ? 1 : periods > 0xFFFF ? 0xFFFF : periods);
}
