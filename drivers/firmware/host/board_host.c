/* Board layer of the bench emulator: a tile (built-in model or the tile oracle) behind an emulated timing chain. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/board.h"
#include "../core/param_map.h"
#include "../core/protocol.h"
#include "emulator.h"

emulator_config_t emu = {.seed = 1, .disconnect_after = -1, .interlock_after = -1, .jitter_ps = 3.0, .lsb_ps = 1, .fd = -1,
                         .offset_ps = {35.0, -20.0, 50.0, 10.0}, .gain_ppm = {2000.0, -1000.0, 1500.0, -2500.0},
                         .drift_after = -1};

static const char *const channel_names[] = {"n0", "n1", "n2", "n3"};
static const char *const input_names[] = {"in0", "in1"};
/* Digital potentiometers: 10-bit rheostats (20 kOhm and 100 kOhm, 50/100 Ohm wiper); DACs: 12-bit, 2.5 V reference. */
static const tl_param_info_t params[] = {
    {"r_fb", "ohm", 0, 1023, 151, 50.0f, 20050.0f, 1000.0f, 20000.0f},
    {"rleak", "ohm", 0, 1023, 408, 100.0f, 100100.0f, 10000.0f, 100000.0f},
    {"iin_amp", "V", 0, 4095, 2293, 0.0f, 2.5f, 0.0f, 1.8f},
    {"iin1_amp", "V", 0, 4095, 2457, 0.0f, 2.5f, 0.0f, 1.8f},
};
static tl_board_info_t info = {
    .firmware_version = "tileloop-bench 1.1.0 (host emulator)",
    .board_id = "emulator-0001",
    .timing_lsb_ps = 1,
    .max_delay_ps = 20000,
    .window_ps = 30000,
    .n_channels = 4,
    .channel_names = channel_names,
    .n_inputs = 2,
    .input_names = input_names,
    .n_params = 4,
    .params = params,
};


static uint16_t codes[4];
static bool drive;
static bool interlock;
static long measurements;
static long tile_operations; /* measurements and reference pulses: what --interlock-after counts */
static uint64_t fault_state;

const tl_board_info_t *board_info(void)
{
    info.timing_lsb_ps = emu.lsb_ps;
    if (emu.tile_oracle) {
        info.firmware_version = "tileloop-bench 1.1.0 (host emulator, tile oracle)";
    }
    return &info;
}

static double value(int i) { return tl_param_value(&params[i], codes[i]); }

void board_apply_codes(const uint16_t *c) { memcpy(codes, c, sizeof codes); }
void board_set_drive(bool on) { drive = on; }
bool board_interlock_tripped(void) { return interlock; }
bool board_interlock_clear(void)
{
    interlock = false; /* the emulated interlock input releases as soon as it tripped */
    return true;
}
void board_tile_reset(void) {}

static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}
static double uniform(uint64_t *s) { return ((next(s) >> 11) + 0.5) / 9007199254740992.0; }
static double gauss(uint64_t *s) { return sqrt(-2.0 * log(uniform(s))) * cos(6.283185307179586 * uniform(s)); }

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001B3ULL;
    }
    return h;
}

void emulator_reseed(void) { fault_state = fnv(0xCBF29CE484222325ULL, &emu.seed, sizeof emu.seed) | 1; }

/* Time-chain transform: what the TDC reports for an edge at t_ps, in LSB (nearest, ties away from zero; negative
 * when a negative offset puts an edge near the origin before it). */
static int32_t stamp(int c, double t_ps, uint64_t *rng)
{
    double drift = emu.drift_after >= 0 && measurements > emu.drift_after ? emu.drift_ps : 0.0;
    double m = t_ps * (1.0 + emu.gain_ppm[c] * 1e-6) + emu.offset_ps[c] + drift + emu.jitter_ps * gauss(rng);
    return (int32_t)llround(m / emu.lsb_ps);
}

/* --interlock-after: trips the latch (drive off) at the N-th measurement or reference pulse. */
static bool trip_now(void)
{
    tile_operations++;
    if (emu.interlock_after > 0 && tile_operations == emu.interlock_after) {
        interlock = true;
        drive = false;
        return true;
    }
    return false;
}

/* The built-in tile: an event-stepped model of a 4-neuron Axon-Hillock chain, 1 ps steps. */
static void model_respond(const tl_stimulus_t *s, tile_response_t *out)
{
    const double c_f = 100e-15, vth = 0.9, vdd = 1.8, width_ps = 10000.0, pulse_ps = 400.0, refractory_ps = 800.0;
    double r_fb = value(0), rleak = value(1), a0 = value(2), a1 = value(3);
    double on[TL_MAX_INPUTS] = {-1, -1, -1, -1};
    for (int j = 0; j < s->n; j++) {
        on[s->input[j]] = s->delay_ps[j];
    }
    double v[4] = {0}, spike_end[4] = {-1e9, -1e9, -1e9, -1e9}, energy_j = 0;
    memset(out, 0, sizeof *out);
    for (double t = 0; t <= info.window_ps; t += 1.0) {
        for (int c = 0; c < 4; c++) {
            if (t < spike_end[c] + refractory_ps) {
                continue;
            }
            double i_in = 0;
            if (c == 0) {
                if (on[0] >= 0 && t >= on[0] && t < on[0] + width_ps && a0 > 0.55) {
                    i_in += (a0 - 0.55) / 8000.0;
                }
                if (on[1] >= 0 && t >= on[1] && t < on[1] + width_ps && a1 > 1.2) {
                    i_in += (a1 - 1.2) / 20000.0;
                }
            } else if (t < spike_end[c - 1]) {
                i_in = (vdd - v[c]) / r_fb;
            }
            energy_j += i_in * vdd * 1e-12;
            v[c] += (i_in - v[c] / rleak) * 1e-12 / c_f;
            if (v[c] >= vth) {
                if (out->stored[c] < TL_MAX_SPIKES) {
                    out->t_ps[c][out->stored[c]++] = t;
                }
                out->count[c]++;
                v[c] = 0;
                spike_end[c] = t + pulse_ps;
                energy_j += c_f * vdd * vdd;
            }
        }
    }
    out->energy_valid = true;
    out->energy_fj = energy_j * 1e15;
}

/* Appends to buf (size cap) at *n; false when it does not fit. */
__attribute__((format(printf, 4, 5))) static bool append(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list a;
    va_start(a, fmt);
    int w = vsnprintf(buf + *n, cap - *n, fmt, a);
    va_end(a);
    if (w < 0 || (size_t)w >= cap - *n) {
        return false;
    }
    *n += (size_t)w;
    return true;
}

/* The oracle's tile: "measure r_fb=V rleak=V iin_amp=V iin1_amp=V window_ps=W in0=D ...": values in the parameters' units, delays in ps. */
static int oracle_respond(const tl_stimulus_t *s, tile_response_t *out)
{
    char req[512];
    size_t n = 0;
    bool ok = append(req, sizeof req, &n, "measure");
    for (int i = 0; ok && i < info.n_params; i++) {
        ok = append(req, sizeof req, &n, " %s=%.17g", params[i].name, value(i));
    }
    ok = ok && append(req, sizeof req, &n, " window_ps=%lu", (unsigned long)info.window_ps);
    for (int j = 0; ok && j < s->n; j++) {
        ok = append(req, sizeof req, &n, " %s=%lu", input_names[s->input[j]], (unsigned long)s->delay_ps[j]);
    }
    if (!ok || !append(req, sizeof req, &n, "\n")) {
        return TL_E_HARDWARE;
    }
    return tile_oracle_ask(req, info.n_channels, info.window_ps, out);
}

int board_measure(const tl_stimulus_t *s, tl_result_t *r)
{
    measurements++;
    if (trip_now()) {
        return TL_E_INTERLOCK;
    }
    if (!drive) {
        return TL_E_NOT_ARMED;
    }
    static tile_response_t tile;
    if (emu.tile_oracle) {
        int e = oracle_respond(s, &tile);
        if (e != 0) {
            return e;
        }
    } else {
        model_respond(s, &tile);
    }
    uint64_t h = fnv(0xCBF29CE484222325ULL, &emu.seed, sizeof emu.seed);
    h = fnv(h, codes, sizeof codes);
    for (int j = 0; j < s->n; j++) {
        h = fnv(h, &s->input[j], 1);
        h = fnv(h, &s->delay_ps[j], 4);
    }
    uint64_t rng = h | 1;
    bool energy = tile.energy_valid && tile.energy_fj >= 0 && tile.energy_fj < 4294967295.5;
    r->flags = energy ? TL_RESULT_ENERGY_VALID : 0;
    r->energy_fj = energy ? (uint32_t)llround(tile.energy_fj) : 0;
    for (int c = 0; c < 4; c++) {
        r->ch[c].spike_count = tile.count[c] > TL_MAX_COUNT ? TL_MAX_COUNT : (uint8_t)tile.count[c];
        r->ch[c].stored = (uint8_t)tile.stored[c];
        for (int k = 0; k < r->ch[c].stored; k++) {
            r->ch[c].ts[k] = stamp(c, tile.t_ps[c][k], &rng);
        }
    }
    if (emu.truth) {
        fprintf(emu.truth, "{\"codes\":[%u,%u,%u,%u],\"inputs\":[", codes[0], codes[1], codes[2], codes[3]);
        for (int j = 0; j < s->n; j++) {
            fprintf(emu.truth, "%s[%u,%u]", j ? "," : "", s->input[j], s->delay_ps[j]);
        }
        fprintf(emu.truth, "],\"energy_fj\":%u,\"ts\":[", r->energy_fj);
        for (int c = 0; c < 4; c++) {
            fprintf(emu.truth, "%s[", c ? "," : "");
            for (int k = 0; k < r->ch[c].stored; k++) {
                fprintf(emu.truth, "%s%d", k ? "," : "", (int)r->ch[c].ts[k]);
            }
            fprintf(emu.truth, "]");
        }
        fprintf(emu.truth, "],\"true_ps\":[");
        for (int c = 0; c < 4; c++) {
            fprintf(emu.truth, "%s[", c ? "," : "");
            for (int k = 0; k < r->ch[c].stored; k++) {
                fprintf(emu.truth, "%s%.3f", k ? "," : "", tile.t_ps[c][k]);
            }
            fprintf(emu.truth, "]");
        }
        fprintf(emu.truth, "]}\n");
        fflush(emu.truth);
    }
    return 0;
}

static uint64_t ref_pulses;

int board_ref_pulse(uint8_t mask, uint32_t delay_ps, int32_t *ts)
{
    if (trip_now()) {
        return TL_E_INTERLOCK;
    }
    ref_pulses++;
    uint64_t rng = fnv(fnv(fnv(0xCBF29CE484222325ULL, &emu.seed, sizeof emu.seed), &delay_ps, 4), &ref_pulses, sizeof ref_pulses) | 1;
    for (int c = 0; c < 4; c++) {
        ts[c] = (mask >> c) & 1 ? stamp(c, delay_ps, &rng) : 0;
    }
    return 0;
}

static long replies;

void board_write(const uint8_t *data, size_t len)
{
    if (emu.drop_rate > 0 && uniform(&fault_state) < emu.drop_rate) {
        replies++;
    } else {
        uint8_t buf[TL_MAX_ENCODED + 1];
        memcpy(buf, data, len);
        for (size_t i = 0; i < len && emu.corrupt_rate > 0; i++) {
            if (uniform(&fault_state) < emu.corrupt_rate) {
                buf[i] ^= (uint8_t)(1u << (next(&fault_state) % 8));
            }
        }
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(emu.fd, buf + off, len - off);
            if (w <= 0) {
                exit(4);
            }
            off += (size_t)w;
        }
        replies++;
    }
    if (emu.disconnect_after >= 0 && replies >= emu.disconnect_after) {
        exit(3);
    }
}
