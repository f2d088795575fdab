#include "tdc7200.h"

#include "hardware/gpio.h"
#include "pico/stdlib.h"

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

void tdc7200_arm(const tdc7200_t *t, uint8_t stops, double timeout_ps)
{
    uint16_t overflow = tdc7200_clock_overflow(timeout_ps, t->clock_period_ps);
    write8(t, TDC_CLOCK_CNTR_OVF_H, (uint8_t)(overflow >> 8));
    write8(t, TDC_CLOCK_CNTR_OVF_L, (uint8_t)overflow);
    write8(t, TDC_CONFIG2, tdc7200_config2(TDC_CAL2_PERIODS, stops));
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
    tdc7200_regs_t r = {.calibration1 = read24(t, TDC_CALIBRATION1), .calibration2 = read24(t, TDC_CALIBRATION2)};
    for (int n = 1; n <= stops && n <= TDC_MAX_STOPS; n++) {
        r.clock_count[n - 1] = read24(t, tdc7200_clock_count_reg(n));
        r.time[n] = read24(t, tdc7200_time_reg(n + 1));
    }
    r.time[0] = read24(t, TDC_TIME1);
    return tdc7200_mode2_tof_ps(&r, stops, TDC_CAL2_PERIODS, t->clock_period_ps, tof_ps);
}
