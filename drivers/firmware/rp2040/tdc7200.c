#include "tdc7200.h"

#include "hardware/gpio.h"
#include "pico/stdlib.h"

#define CAL_PERIODS 10.0

static void write8(const tdc7200_t *t, uint8_t reg, uint8_t v)
{
    uint8_t buf[2] = {(uint8_t)(0x40 | reg), v}; /* bit 6: write */
    gpio_put(t->cs_pin, 0);
    spi_write_blocking(t->spi, buf, 2);
    gpio_put(t->cs_pin, 1);
}

static uint32_t read24(const tdc7200_t *t, uint8_t reg)
{
    uint8_t cmd = reg, buf[3];
    gpio_put(t->cs_pin, 0);
    spi_write_blocking(t->spi, &cmd, 1);
    spi_read_blocking(t->spi, 0, buf, 3);
    gpio_put(t->cs_pin, 1);
    return (uint32_t)buf[0] << 16 | (uint32_t)buf[1] << 8 | buf[2];
}

void tdc7200_init(const tdc7200_t *t)
{
    gpio_init(t->cs_pin);
    gpio_set_dir(t->cs_pin, GPIO_OUT);
    gpio_put(t->cs_pin, 1);
    gpio_init(t->intb_pin);
    gpio_set_dir(t->intb_pin, GPIO_IN);
    gpio_pull_up(t->intb_pin);
    write8(t, TDC_INT_MASK, 0x07);
}

void tdc7200_arm(const tdc7200_t *t, uint8_t stops)
{
    /* CONFIG2: CALIBRATION2_PERIODS = 10 (01), AVG_CYCLES = 1 (000), NUM_STOP = stops - 1 */
    write8(t, TDC_CONFIG2, (uint8_t)(0x40 | ((stops - 1) & 0x07)));
    /* CONFIG1: MEAS_MODE = 2 (01 << 1), rising edges, START_MEAS = 1 */
    write8(t, TDC_CONFIG1, 0x03);
}

bool tdc7200_wait(const tdc7200_t *t, uint32_t timeout_us)
{
    absolute_time_t until = make_timeout_time_us(timeout_us);
    while (gpio_get(t->intb_pin)) {
        if (time_reached(until)) {
            return false;
        }
    }
    return true;
}

int tdc7200_read(const tdc7200_t *t, uint8_t stops, double *tof_ps)
{
    double cal1 = read24(t, TDC_CALIBRATION1), cal2 = read24(t, TDC_CALIBRATION2);
    if (cal2 <= cal1) {
        return -1;
    }
    double norm_lsb_ps = t->clock_period_ps / ((cal2 - cal1) / (CAL_PERIODS - 1.0));
    double time1 = read24(t, TDC_TIME1);
    int n = 0;
    for (uint8_t k = 0; k < stops; k++) {
        uint32_t count = read24(t, (uint8_t)(TDC_CLOCK_COUNT1 + 2 * k));
        uint32_t time_next = read24(t, (uint8_t)(TDC_TIME1 + 2 * (k + 1)));
        if (count == 0) {
            break; /* no STOP k arrived before the overflow */
        }
        /* mode 2: TOF_n = TIME1 * normLSB + CLOCK_COUNTn * period - TIME(n+1) * normLSB */
        tof_ps[n++] = time1 * norm_lsb_ps + count * t->clock_period_ps - time_next * norm_lsb_ps;
    }
    return n;
}
