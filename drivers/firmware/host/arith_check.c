/* Checks the board arithmetic compiled into the RP2040 firmware against worked examples: the TDC7200's mode-2
 * time of flight (datasheet SNAS647, section 8.4.2.2) and the parameter code <-> value map (protocol.md). */
#include <math.h>
#include <stdio.h>

#include "../core/param_map.h"
#include "../rp2040/tdc7200_math.h"

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

static void expect_near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        fprintf(stderr, "FAIL: %s: got %.9f, want %.9f\n", what, got, want);
        failures++;
    }
}

static void tdc_registers(void)
{
    expect(tdc7200_time_reg(1) == 0x10 && tdc7200_time_reg(2) == 0x12 && tdc7200_time_reg(6) == 0x1A, "TIME1..6 at 0x10..0x1A");
    expect(tdc7200_clock_count_reg(1) == 0x11 && tdc7200_clock_count_reg(5) == 0x19, "CLOCK_COUNT1..5 at 0x11..0x19");
    /* CONFIG2 = CALIBRATION2_PERIODS[7:6] | AVG_CYCLES[5:3] (0: 1 cycle) | NUM_STOP[2:0] (stops - 1) */
    expect(tdc7200_config2(10, 1) == 0x40, "CONFIG2: 10 periods (01), 1 stop");
    expect(tdc7200_config2(10, 5) == 0x44, "CONFIG2: 10 periods (01), 5 stops (100)");
    expect(tdc7200_config2(2, 1) == 0x00 && tdc7200_config2(20, 2) == 0x81 && tdc7200_config2(40, 3) == 0xC2, "CONFIG2: 2, 20, 40 periods");
    expect(tdc7200_config2(10, 0) == 0xFF && tdc7200_config2(10, 6) == 0xFF && tdc7200_config2(15, 1) == 0xFF, "CONFIG2: out of range");
}

static void tdc_calibration(void)
{
    /* The datasheet's calibration readout: CALIBRATION1 = 2110, CALIBRATION2 = 21121, CALIBRATION2_PERIODS = 10, 8 MHz.
     * calCount = (21121 - 2110) / (10 - 1) = 19011 / 9 = 2112.333...; normLSB = 125000 ps / calCount
     * = 1125000 / 19011 ps = 59.176266372... ps (the datasheet rounds it to 5.917e-11 s). */
    expect_near(tdc7200_norm_lsb_ps(2110, 21121, 10, 125000.0), 59.176266372100363, 1e-9, "normLSB, 8 MHz, 10 periods");
    /* 16 MHz (62500 ps), 20 periods, CALIBRATION1 = 1000, CALIBRATION2 = 20000: calCount = 19000 / 19 = 1000, normLSB = 62.5 ps */
    expect_near(tdc7200_norm_lsb_ps(1000, 20000, 20, 62500.0), 62.5, 1e-12, "normLSB, 16 MHz, 20 periods");
    expect(tdc7200_norm_lsb_ps(2110, 2110, 10, 125000.0) < 0 && tdc7200_norm_lsb_ps(21121, 2110, 10, 125000.0) < 0,
           "CALIBRATION2 <= CALIBRATION1 is no calibration");
}

static void tdc_mode2(void)
{
    double tof[TDC_MAX_STOPS] = {0};
    /* 8 MHz, 10 periods, calibration as above (normLSB = 1125000 / 19011 ps). Three STOPs armed, two arrived:
     * TOF1 = normLSB * (TIME1 - TIME2) + CLOCK_COUNT1 * 125000 = 1125000 * (1800 - 448) / 19011 + 2 * 125000
     *      = 1521000000 / 19011 + 250000 = 80006.312135... + 250000 = 330006.312135... ps
     * TOF2 = normLSB * (TIME1 - TIME3) + CLOCK_COUNT2 * 125000 = 1125000 * (1800 - 1900) / 19011 + 3 * 125000
     *      = -5917.626637... + 375000 = 369082.373362... ps (TIME3 > TIME1: the STOP came later in its clock period)
     * CLOCK_COUNT3 = 0: the third STOP never came (the clock counter overflowed first). */
    tdc7200_regs_t r = {.time = {1800, 448, 1900, 0, 0, 0}, .clock_count = {2, 3, 0, 0, 0}, .calibration1 = 2110, .calibration2 = 21121};
    int n = tdc7200_mode2_tof_ps(&r, 3, 10, 125000.0, tof);
    expect(n == 2, "two of three STOPs arrived");
    expect_near(tof[0], 330006.31213507969, 1e-6, "TOF1, 8 MHz");
    expect_near(tof[1], 369082.37336278996, 1e-6, "TOF2, 8 MHz");
    /* Only the armed STOPs count: with 1 armed, TOF2 is not computed. */
    tof[1] = -1;
    expect(tdc7200_mode2_tof_ps(&r, 1, 10, 125000.0, tof) == 1 && tof[1] == -1, "one STOP armed");
    /* 16 MHz, 20 periods, normLSB = 62.5 ps (above), five STOPs:
     * TOF_n = 62.5 * (500 - TIME(n+1)) + CLOCK_COUNT_n * 62500:
     * n=1: 62.5 * (500 - 100) + 5 * 62500 = 25000 + 312500 = 337500; n=2: 62.5 * (500 - 900) + 6 * 62500 = -25000 + 375000 = 350000;
     * n=3: 62.5 * 0 + 6 * 62500 = 375000; n=4: 62.5 * (500 - 1) + 7 * 62500 = 31187.5 + 437500 = 468687.5;
     * n=5: 62.5 * (500 - 1000) + 8 * 62500 = -31250 + 500000 = 468750 */
    tdc7200_regs_t five = {.time = {500, 100, 900, 500, 1, 1000}, .clock_count = {5, 6, 6, 7, 8}, .calibration1 = 1000, .calibration2 = 20000};
    const double want[] = {337500.0, 350000.0, 375000.0, 468687.5, 468750.0};
    expect(tdc7200_mode2_tof_ps(&five, 5, 20, 62500.0, tof) == 5, "five STOPs");
    for (int i = 0; i < 5; i++) {
        expect_near(tof[i], want[i], 1e-9, "TOF1..5, 16 MHz");
    }
    tdc7200_regs_t uncalibrated = {.time = {1800, 448}, .clock_count = {2}, .calibration1 = 21121, .calibration2 = 2110};
    expect(tdc7200_mode2_tof_ps(&uncalibrated, 1, 10, 125000.0, tof) == -1, "invalid calibration: -1");
    /* Clock-counter overflow: the reference bench ends a measurement 320 ns (lead) + 30 ns (window) + 125 ns after
     * START: ceil(475000 / 125000) = ceil(3.8) = 4 periods; 250000 ps is exactly 2; at least 1, at most 0xFFFF. */
    expect(tdc7200_clock_overflow(475000.0, 125000.0) == 4, "overflow after 475 ns at 8 MHz: 4 periods");
    expect(tdc7200_clock_overflow(250000.0, 125000.0) == 2, "overflow after 250 ns at 8 MHz: 2 periods");
    expect(tdc7200_clock_overflow(0.0, 125000.0) == 1 && tdc7200_clock_overflow(1e12, 125000.0) == 0xFFFF, "overflow clamped to 1..0xFFFF");
}

static void param_map(void)
{
    /* The reference bench's r_fb (AD5293-20, 10 bit): value(c) = 50 + c * (20050 - 50) / 1023 ohm.
     * value(151) = 50 + 3020000 / 1023 = 50 + 2952.101661779... = 3002.101661779... ohm. */
    const tl_param_info_t r_fb = {"r_fb", "ohm", 0, 1023, 151, 50.0f, 20050.0f, 1000.0f, 20000.0f};
    expect_near(tl_param_value(&r_fb, 151), 3002.1016617790811, 1e-9, "r_fb code 151");
    expect_near(tl_param_value(&r_fb, 0), 50.0, 0, "r_fb code_min -> value_at_min");
    expect_near(tl_param_value(&r_fb, 1023), 20050.0, 1e-9, "r_fb code_max -> value_at_max");
    /* iin_amp (MCP4822, 12 bit, 0..2.5 V): value(2293) = 2293 * 2.5 / 4095 = 5732.5 / 4095 = 1.399877899... V */
    const tl_param_info_t iin = {"iin_amp", "V", 0, 4095, 2293, 0.0f, 2.5f, 0.0f, 1.8f};
    expect_near(tl_param_value(&iin, 2293), 1.3998778998778998, 1e-12, "iin_amp code 2293");
    /* A decreasing map: value(c) = 10 - c / 10 over codes 0..100; value(79) = 2.1 V */
    const tl_param_info_t bias = {"bias", "V", 0, 100, 60, 10.0f, 0.0f, 2.05f, 5.0f};
    expect_near(tl_param_value(&bias, 79), 2.1, 1e-6, "decreasing map, code 79");
    uint16_t lo, hi;
    /* r_fb in [1000, 20000]: c >= 950 * 1023 / 20000 = 48.59 -> 49; c <= 19950 * 1023 / 20000 = 1020.44 -> 1020 */
    tl_param_safe_codes(&r_fb, &lo, &hi);
    expect(lo == 49 && hi == 1020, "r_fb safe codes 49..1020");
    /* iin_amp in [0, 1.8]: c <= 1.8 * 4095 / 2.5 = 2948.4 -> 2948 */
    tl_param_safe_codes(&iin, &lo, &hi);
    expect(lo == 0 && hi == 2948, "iin_amp safe codes 0..2948");
    /* bias in [2.05, 5]: 10 - c/10 <= 5 -> c >= 50; >= 2.05 -> c <= 79.5 -> 79 */
    tl_param_safe_codes(&bias, &lo, &hi);
    expect(lo == 50 && hi == 79, "decreasing map: safe codes 50..79");
    const tl_param_info_t none = {"r_fb", "ohm", 0, 1023, 151, 50.0f, 20050.0f, 30000.0f, 40000.0f};
    tl_param_safe_codes(&none, &lo, &hi);
    expect(lo == 1023 && hi == 0, "no safe code: lo = code_max > hi = code_min");
}

int main(void)
{
    tdc_registers();
    tdc_calibration();
    tdc_mode2();
    param_map();
    printf(failures ? "arith-check: %d failures\n" : "arith-check: ok\n", failures);
    return failures != 0;
}
