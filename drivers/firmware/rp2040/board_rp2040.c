/*
 * Board layer for the reference bench (rev A): RP2040 + 4 x TDC7200 (one per neuron output,
 * comparators on the tile outputs drive the STOP pins), 2 x AD5293 digital rheostats (r_fb,
 * rleak; 10-bit), 1 x MCP4822 dual 12-bit DAC (iin_amp, iin1_amp pulse levels), a PIO state
 * machine that fires START and the input pulses, 2 x SY89297U programmable delay lines (5 ps
 * steps, 0-5 ns) for the fine part of each input delay, an analog switch that routes the
 * reference edge into the comparators (REF_PULSE), and the interlock input.
 * Pin map and BOM: rp2040/README.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/board.h"
#include "../core/protocol.h"
#include "hardware/gpio.h"
#include "hardware/pio.h"
#include "hardware/spi.h"
#include "pico/stdlib.h"
#include "pico/unique_id.h"
#include "pulse.pio.h" /* generated from pulse.pio: edge_program */
#include "tdc7200.h"

#define PIN_SPI0_SCK 2
#define PIN_SPI0_MOSI 3
#define PIN_SPI0_MISO 4
#define PIN_TDC_CS0 5   /* 5..8: TDC n0..n3 chip selects */
#define PIN_TDC_INT0 9  /* 9..12: TDC n0..n3 INTB */
#define PIN_SPI1_SCK 14
#define PIN_SPI1_MOSI 15
#define PIN_POT_CS0 16  /* 16: r_fb, 17: rleak */
#define PIN_DAC_CS 18
#define PIN_DAC_LDAC 19
#define PIN_DELAY_SCLK 20 /* SY89297U 3-wire: SCLK, SDATA, SLOAD */
#define PIN_DELAY_SDATA 21
#define PIN_DELAY_SLOAD 22
#define PIN_PULSE_BASE 24 /* PIO: 24 START, 25 in0, 26 in1 */
#define PIN_TILE_RESET 27
#define PIN_DRIVE_EN 28
#define PIN_REF_SEL 13
#define PIN_INTERLOCK 23 /* active low, pulled up, latched in the IRQ */

#define COARSE_PS 8000u  /* PIO at 125 MHz: 8 ns per cycle */
#define FINE_STEP_PS 5u
/* START fires this many PIO cycles before the origin (320 ns): mode 2 times 250 ns to 8 ms after START, so the
 * window [0, window_ps] lands inside it. Times of flight minus LEAD_PS are times from the origin. */
#define LEAD_CYCLES 40u
#define LEAD_PS ((double)(LEAD_CYCLES * COARSE_PS))
#define TDC_CLOCK_PERIOD_PS 125000.0 /* 8 MHz reference */
#define WINDOW_PS 30000u
/* A TDC measurement ends by clock-counter overflow at the latest one clock period after the window. */
#define TDC_TIMEOUT_PS (LEAD_PS + WINDOW_PS + TDC_CLOCK_PERIOD_PS)

static const char *const channel_names[] = {"n0", "n1", "n2", "n3"};
static const char *const input_names[] = {"in0", "in1"};
static const tl_param_info_t params[] = {
    {"r_fb", "ohm", 0, 1023, 151, 50.0f, 20050.0f, 1000.0f, 20000.0f},
    {"rleak", "ohm", 0, 1023, 408, 100.0f, 100100.0f, 10000.0f, 100000.0f},
    {"iin_amp", "V", 0, 4095, 2293, 0.0f, 2.5f, 0.0f, 1.8f},
    {"iin1_amp", "V", 0, 4095, 2457, 0.0f, 2.5f, 0.0f, 1.8f},
};
static char board_id[24];
static const tl_board_info_t info = {
    .firmware_version = "tileloop-bench 1.1.0 (rp2040 rev A)",
    .board_id = board_id,
    .timing_lsb_ps = 1,
    .max_delay_ps = 20000,
    .window_ps = WINDOW_PS,
    .n_channels = 4,
    .channel_names = channel_names,
    .n_inputs = 2,
    .input_names = input_names,
    .n_params = 4,
    .params = params,
};
static tdc7200_t tdc[4];
static volatile bool interlock_latched;
static PIO pio = pio0;
static uint edge_offset;
static uint sm_edge[3]; /* START, in0, in1 */

static void interlock_irq(uint gpio, uint32_t events)
{
    (void)events;
    if (gpio == PIN_INTERLOCK) {
        gpio_put(PIN_DRIVE_EN, 0); /* first thing: drive off */
        interlock_latched = true;
    }
}

static void spi1_write16(uint cs, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    gpio_put(cs, 0);
    spi_write_blocking(spi1, b, 2);
    gpio_put(cs, 1);
}

void board_setup(void)
{
    pico_get_unique_board_id_string(board_id, sizeof board_id);
    spi_init(spi0, 20 * 1000 * 1000);
    spi_set_format(spi0, 8, SPI_CPOL_0, SPI_CPHA_0, SPI_MSB_FIRST);
    gpio_set_function(PIN_SPI0_SCK, GPIO_FUNC_SPI);
    gpio_set_function(PIN_SPI0_MOSI, GPIO_FUNC_SPI);
    gpio_set_function(PIN_SPI0_MISO, GPIO_FUNC_SPI);
    spi_init(spi1, 10 * 1000 * 1000);
    spi_set_format(spi1, 8, SPI_CPOL_0, SPI_CPHA_1, SPI_MSB_FIRST); /* AD5293: mode 1 */
    gpio_set_function(PIN_SPI1_SCK, GPIO_FUNC_SPI);
    gpio_set_function(PIN_SPI1_MOSI, GPIO_FUNC_SPI);
    const uint outs[] = {PIN_POT_CS0, PIN_POT_CS0 + 1, PIN_DAC_CS, PIN_DAC_LDAC, PIN_DELAY_SCLK, PIN_DELAY_SDATA,
                         PIN_DELAY_SLOAD, PIN_TILE_RESET, PIN_DRIVE_EN, PIN_REF_SEL};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        gpio_init(outs[i]);
        gpio_set_dir(outs[i], GPIO_OUT);
        gpio_put(outs[i], outs[i] == PIN_POT_CS0 || outs[i] == PIN_POT_CS0 + 1 || outs[i] == PIN_DAC_CS || outs[i] == PIN_DAC_LDAC);
    }
    gpio_put(PIN_DRIVE_EN, 0);
    for (int c = 0; c < 4; c++) {
        tdc[c] = (tdc7200_t){spi0, PIN_TDC_CS0 + c, PIN_TDC_INT0 + c, TDC_CLOCK_PERIOD_PS};
        tdc7200_init(&tdc[c]);
    }
    for (int p = 0; p < 2; p++) {
        spi1_write16(PIN_POT_CS0 + p, 0x1802); /* AD5293: control register, allow RDAC updates */
    }
    gpio_init(PIN_INTERLOCK);
    gpio_set_dir(PIN_INTERLOCK, GPIO_IN);
    gpio_pull_up(PIN_INTERLOCK);
    gpio_set_irq_enabled_with_callback(PIN_INTERLOCK, GPIO_IRQ_EDGE_FALL, true, interlock_irq);
    interlock_latched = !gpio_get(PIN_INTERLOCK);
    edge_offset = pio_add_program(pio, &edge_program);
    for (int i = 0; i < 3; i++) {
        sm_edge[i] = (uint)pio_claim_unused_sm(pio, true);
        edge_program_init(pio, sm_edge[i], edge_offset, PIN_PULSE_BASE + i);
    }
}

const tl_board_info_t *board_info(void) { return &info; }

void board_apply_codes(const uint16_t *codes)
{
    spi1_write16(PIN_POT_CS0, (uint16_t)(0x0400 | (codes[0] & 0x3FF)));     /* AD5293 write RDAC */
    spi1_write16(PIN_POT_CS0 + 1, (uint16_t)(0x0400 | (codes[1] & 0x3FF)));
    spi1_write16(PIN_DAC_CS, (uint16_t)(0x1000 | (codes[2] & 0xFFF)));     /* MCP4822 A, gain 2x (2.048 V ref x 2 -> 4.096 V, divided to 2.5 V) */
    spi1_write16(PIN_DAC_CS, (uint16_t)(0x9000 | (codes[3] & 0xFFF)));     /* MCP4822 B */
    gpio_put(PIN_DAC_LDAC, 0);
    gpio_put(PIN_DAC_LDAC, 1);
}

void board_set_drive(bool on) { gpio_put(PIN_DRIVE_EN, on && !interlock_latched); }
bool board_interlock_tripped(void) { return interlock_latched; }

bool board_interlock_clear(void)
{
    if (gpio_get(PIN_INTERLOCK)) {
        interlock_latched = false;
    }
    return !interlock_latched;
}

void board_tile_reset(void)
{
    gpio_put(PIN_TILE_RESET, 1);
    sleep_us(2);
    gpio_put(PIN_TILE_RESET, 0);
    sleep_us(2);
}

/* Starts START now and every non-idle input (cycles != 0xFFFFFFFF) LEAD_CYCLES + cycles later, all state machines
 * enabled on the same PIO cycle. */
static void fire(const uint32_t cycles[2])
{
    uint32_t mask = 1u << sm_edge[0];
    for (int i = 0; i < 3; i++) {
        pio_sm_set_enabled(pio, sm_edge[i], false);
        pio_sm_clear_fifos(pio, sm_edge[i]);
        pio_sm_restart(pio, sm_edge[i]);
        pio_sm_exec(pio, sm_edge[i], pio_encode_jmp(edge_offset));
    }
    pio_sm_put(pio, sm_edge[0], 0);
    for (int i = 0; i < 2; i++) {
        if (cycles[i] != 0xFFFFFFFFu) {
            pio_sm_put(pio, sm_edge[i + 1], LEAD_CYCLES + cycles[i]);
            mask |= 1u << sm_edge[i + 1];
        }
    }
    pio_enable_sm_mask_in_sync(pio, mask);
}

static void fine_delay(int line, uint32_t ps)
{
    uint32_t steps = ps / FINE_STEP_PS; /* 10-bit tap select; 0..5115 ps */
    uint32_t word = (uint32_t)line << 10 | (steps & 0x3FF);
    for (int b = 10; b >= 0; b--) {
        gpio_put(PIN_DELAY_SDATA, (word >> b) & 1);
        gpio_put(PIN_DELAY_SCLK, 1);
        gpio_put(PIN_DELAY_SCLK, 0);
    }
    gpio_put(PIN_DELAY_SLOAD, 1);
    gpio_put(PIN_DELAY_SLOAD, 0);
}

int board_measure(const tl_stimulus_t *s, tl_result_t *r)
{
    if (interlock_latched) {
        return TL_E_INTERLOCK;
    }
    if (!gpio_get(PIN_DRIVE_EN)) {
        return TL_E_NOT_ARMED;
    }
    uint32_t coarse[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    for (int j = 0; j < s->n; j++) {
        coarse[s->input[j]] = s->delay_ps[j] / COARSE_PS;
        fine_delay(s->input[j], s->delay_ps[j] % COARSE_PS > 5000 ? 5000 : s->delay_ps[j] % COARSE_PS);
    }
    for (int c = 0; c < 4; c++) {
        tdc7200_arm(&tdc[c], TDC_MAX_STOPS, TDC_TIMEOUT_PS);
    }
    fire(coarse);
    r->flags = 0; /* rev A does not measure supply energy */
    for (int c = 0; c < 4; c++) {
        double tof[TDC_MAX_STOPS] = {0};
        int n = 0;
        if (tdc7200_wait(&tdc[c], 100)) {
            n = tdc7200_read(&tdc[c], TDC_MAX_STOPS, tof);
            if (n < 0) {
                return TL_E_HARDWARE;
            }
        }
        r->ch[c].spike_count = (uint8_t)n;
        r->ch[c].stored = (uint8_t)(n > TL_MAX_SPIKES ? TL_MAX_SPIKES : n);
        if (n == TDC_MAX_STOPS) {
            r->flags |= TL_RESULT_COUNT_LIMITED; /* the TDC stopped counting: there may have been more spikes */
        }
        for (int k = 0; k < r->ch[c].stored; k++) {
            r->ch[c].ts[k] = (int32_t)lround(tof[k] - LEAD_PS); /* ps, LSB 1: the TDC's ~55 ps resolution is not an integer */
        }
        if (interlock_latched) {
            return TL_E_INTERLOCK;
        }
    }
    return 0;
}

int board_ref_pulse(uint8_t mask, uint32_t delay_ps, int32_t *ts)
{
    if (interlock_latched) {
        return TL_E_INTERLOCK;
    }
    gpio_put(PIN_REF_SEL, 1); /* comparator inputs <- reference edge */
    fine_delay(0, delay_ps % COARSE_PS > 5000 ? 5000 : delay_ps % COARSE_PS);
    for (int c = 0; c < 4; c++) {
        if ((mask >> c) & 1) {
            tdc7200_arm(&tdc[c], 1, TDC_TIMEOUT_PS);
        }
    }
    uint32_t ref[2] = {delay_ps / COARSE_PS, 0xFFFFFFFFu};
    fire(ref);
    int err = 0;
    for (int c = 0; c < 4; c++) {
        double tof = 0;
        ts[c] = 0;
        if ((mask >> c) & 1) {
            if (!tdc7200_wait(&tdc[c], 100) || tdc7200_read(&tdc[c], 1, &tof) != 1) {
                err = TL_E_HARDWARE;
            } else {
                ts[c] = (int32_t)lround(tof - LEAD_PS);
            }
        }
    }
    gpio_put(PIN_REF_SEL, 0);
    return interlock_latched ? TL_E_INTERLOCK : err;
}

void board_write(const uint8_t *data, size_t len)
{
    fwrite(data, 1, len, stdout);
    fflush(stdout);
}
