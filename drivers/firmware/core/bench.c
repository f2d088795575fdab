#include "bench.h"

#include <string.h>

#include "board.h"
#include "cobs.h"
#include "crc32.h"
#include "protocol.h"

static uint16_t codes[TL_MAX_PARAMS];
static uint16_t safe_lo[TL_MAX_PARAMS], safe_hi[TL_MAX_PARAMS];
static bool armed;
static bool have_cached;
static uint16_t cached_seq;
static uint8_t cached_type;
static uint8_t cached[TL_MAX_ENCODED + 1];
static size_t cached_len;
static uint16_t batch_id;
static uint16_t batch_n;
static bool batch_valid;
static tl_result_t results[TL_MAX_BATCH];
static uint32_t frames_ok, frames_bad;
static uint8_t rx[TL_MAX_ENCODED + 1];
static size_t rx_len;
static bool rx_overflow;

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

typedef struct {
    uint8_t buf[TL_MAX_FRAME];
    size_t len;
    bool overflow;
} writer_t;

static void w8(writer_t *w, uint8_t v)
{
    if (w->len < TL_HEADER_LEN + TL_MAX_PAYLOAD) {
        w->buf[w->len++] = v;
    } else {
        w->overflow = true;
    }
}
static void w16(writer_t *w, uint16_t v) { w8(w, v & 0xFF); w8(w, v >> 8); }
static void w32(writer_t *w, uint32_t v) { w16(w, v & 0xFFFF); w16(w, v >> 16); }
static void wf32(writer_t *w, float f) { uint32_t v; memcpy(&v, &f, 4); w32(w, v); }
static void wstr(writer_t *w, const char *s)
{
    size_t n = strlen(s);
    if (n > 255) {
        n = 255;
    }
    w8(w, (uint8_t)n);
    for (size_t i = 0; i < n; i++) {
        w8(w, (uint8_t)s[i]);
    }
}

static float value_of(const tl_param_info_t *p, uint16_t code)
{
    return p->value_at_min + (float)(code - p->code_min) * (p->value_at_max - p->value_at_min) / (float)(p->code_max - p->code_min);
}

void bench_init(void)
{
    const tl_board_info_t *info = board_info();
    for (uint8_t i = 0; i < info->n_params; i++) {
        const tl_param_info_t *p = &info->params[i];
        codes[i] = p->default_code;
        safe_lo[i] = p->code_max;
        safe_hi[i] = p->code_min;
        for (uint32_t c = p->code_min; c <= p->code_max; c++) {
            float v = value_of(p, (uint16_t)c);
            float tol = 1e-6f * (p->safety_max - p->safety_min);
            if (v >= p->safety_min - tol && v <= p->safety_max + tol) {
                if (c < safe_lo[i]) {
                    safe_lo[i] = (uint16_t)c;
                }
                safe_hi[i] = (uint16_t)c;
            }
        }
    }
    board_apply_codes(codes);
    armed = false;
    board_set_drive(false);
    have_cached = false;
    batch_valid = false;
    rx_len = 0;
    rx_overflow = false;
}

uint32_t bench_frames_ok(void) { return frames_ok; }
uint32_t bench_frames_bad(void) { return frames_bad; }

static size_t finish(writer_t *w, uint8_t type, uint16_t seq, uint8_t *out)
{
    size_t payload = w->len - TL_HEADER_LEN;
    w->buf[0] = TL_PROTOCOL_VERSION;
    w->buf[1] = type;
    w->buf[2] = seq & 0xFF;
    w->buf[3] = seq >> 8;
    w->buf[4] = payload & 0xFF;
    w->buf[5] = payload >> 8;
    uint32_t crc = tl_crc32(w->buf, w->len);
    for (int i = 0; i < 4; i++) {
        w->buf[w->len++] = (uint8_t)(crc >> (8 * i));
    }
    size_t n = tl_cobs_encode(w->buf, w->len, out);
    out[n++] = 0;
    return n;
}

static size_t error_reply(uint16_t seq, uint8_t code, const char *msg, uint8_t *out)
{
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, code);
    wstr(&w, msg);
    return finish(&w, TL_ERROR, seq, out);
}

static size_t hello(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 1) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "HELLO carries one byte: the host protocol version", out);
    }
    if (p[0] != TL_PROTOCOL_VERSION) {
        return error_reply(seq, TL_E_VERSION, "protocol version not supported (firmware speaks 1)", out);
    }
    const tl_board_info_t *info = board_info();
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, TL_PROTOCOL_VERSION);
    wstr(&w, info->firmware_version);
    wstr(&w, info->board_id);
    w32(&w, info->timing_lsb_ps);
    w32(&w, info->max_delay_ps);
    w32(&w, info->window_ps);
    w16(&w, TL_MAX_BATCH);
    w8(&w, TL_MAX_SPIKES);
    w8(&w, info->n_channels);
    for (uint8_t i = 0; i < info->n_channels; i++) {
        wstr(&w, info->channel_names[i]);
    }
    w8(&w, info->n_inputs);
    for (uint8_t i = 0; i < info->n_inputs; i++) {
        wstr(&w, info->input_names[i]);
    }
    w8(&w, info->n_params);
    for (uint8_t i = 0; i < info->n_params; i++) {
        const tl_param_info_t *q = &info->params[i];
        wstr(&w, q->name);
        wstr(&w, q->unit);
        w16(&w, q->code_min);
        w16(&w, q->code_max);
        w16(&w, q->default_code);
        wf32(&w, q->value_at_min);
        wf32(&w, q->value_at_max);
        wf32(&w, q->safety_min);
        wf32(&w, q->safety_max);
        w16(&w, safe_lo[i]);
        w16(&w, safe_hi[i]);
    }
    if (w.overflow) {
        return error_reply(seq, TL_E_HARDWARE, "board description does not fit one frame", out);
    }
    return finish(&w, TL_HELLO | TL_REPLY, seq, out);
}

static size_t set_params(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    if (n < 1 || n != 1 + 3 * p[0]) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "SET_PARAMS: count then (index, code) triples", out);
    }
    uint16_t next[TL_MAX_PARAMS];
    memcpy(next, codes, sizeof next);
    for (uint8_t k = 0; k < p[0]; k++) {
        uint8_t idx = p[1 + 3 * k];
        uint16_t code = rd16(p + 2 + 3 * k);
        if (idx >= info->n_params) {
            return error_reply(seq, TL_E_BAD_INDEX, "no such parameter index", out);
        }
        if (code < info->params[idx].code_min || code > info->params[idx].code_max) {
            return error_reply(seq, TL_E_CODE_RANGE, info->params[idx].name, out);
        }
        if (code < safe_lo[idx] || code > safe_hi[idx]) {
            return error_reply(seq, TL_E_SAFETY_LIMIT, info->params[idx].name, out);
        }
        next[idx] = code;
    }
    memcpy(codes, next, sizeof codes);
    board_apply_codes(codes);
    batch_valid = false;
    writer_t w = {.len = TL_HEADER_LEN};
    return finish(&w, TL_SET_PARAMS | TL_REPLY, seq, out);
}

static size_t arm(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 1 || p[0] > 1) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "ARM carries 1 (arm) or 0 (disarm)", out);
    }
    if (p[0] == 1 && board_interlock_tripped()) {
        armed = false;
        board_set_drive(false);
        return error_reply(seq, TL_E_INTERLOCK, "interlock tripped: drive stays off", out);
    }
    armed = p[0] == 1;
    board_set_drive(armed);
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, armed);
    return finish(&w, TL_ARM | TL_REPLY, seq, out);
}

static size_t fire_batch(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    if (n < 4) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: batch id, count, stimuli", out);
    }
    uint16_t id = rd16(p);
    uint16_t count = rd16(p + 2);
    if (count == 0 || count > TL_MAX_BATCH) {
        return error_reply(seq, TL_E_BATCH_TOO_LARGE, "stimuli per batch: 1 to max_batch", out);
    }
    static tl_stimulus_t stim[TL_MAX_BATCH];
    size_t at = 4;
    for (uint16_t s = 0; s < count; s++) {
        if (at >= n) {
            return error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: truncated stimulus", out);
        }
        uint8_t k = p[at++];
        if (k == 0 || k > TL_MAX_INPUTS || at + 5u * k > n) {
            return error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: 1 to 4 inputs per stimulus", out);
        }
        stim[s].n = k;
        for (uint8_t j = 0; j < k; j++) {
            stim[s].input[j] = p[at];
            stim[s].delay_ps[j] = rd32(p + at + 1);
            at += 5;
            if (stim[s].input[j] >= info->n_inputs) {
                return error_reply(seq, TL_E_BAD_INDEX, "no such input index", out);
            }
            if (stim[s].delay_ps[j] > info->max_delay_ps) {
                return error_reply(seq, TL_E_DELAY_RANGE, "input delay beyond max_delay_ps", out);
            }
        }
    }
    if (at != n) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: trailing bytes", out);
    }
    if (board_interlock_tripped()) {
        armed = false;
        board_set_drive(false);
        return error_reply(seq, TL_E_INTERLOCK, "interlock tripped: drive switched off", out);
    }
    if (!armed) {
        return error_reply(seq, TL_E_NOT_ARMED, "ARM before FIRE_BATCH", out);
    }
    batch_valid = false;
    for (uint16_t s = 0; s < count; s++) {
        memset(&results[s], 0, sizeof results[s]);
        board_tile_reset();
        int e = board_measure(&stim[s], &results[s]);
        if (e != 0) {
            if (e == TL_E_INTERLOCK) {
                armed = false;
                board_set_drive(false);
                return error_reply(seq, e, "interlock tripped during the batch: drive switched off", out);
            }
            return error_reply(seq, (uint8_t)e, "measurement failed", out);
        }
    }
    batch_id = id;
    batch_n = count;
    batch_valid = true;
    writer_t w = {.len = TL_HEADER_LEN};
    w16(&w, id);
    w16(&w, count);
    return finish(&w, TL_FIRE_BATCH | TL_REPLY, seq, out);
}

static size_t read_result(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 4) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "READ_RESULT: batch id, index", out);
    }
    uint16_t id = rd16(p), idx = rd16(p + 2);
    if (!batch_valid || id != batch_id || idx >= batch_n) {
        return error_reply(seq, TL_E_NO_RESULT, "no such batch or index", out);
    }
    const tl_board_info_t *info = board_info();
    const tl_result_t *r = &results[idx];
    writer_t w = {.len = TL_HEADER_LEN};
    w16(&w, id);
    w16(&w, idx);
    w8(&w, r->flags);
    w32(&w, r->energy_fj);
    w8(&w, info->n_channels);
    for (uint8_t c = 0; c < info->n_channels; c++) {
        w8(&w, r->ch[c].spike_count);
        w8(&w, r->ch[c].stored);
        for (uint8_t k = 0; k < r->ch[c].stored; k++) {
            w32(&w, r->ch[c].ts[k]);
        }
    }
    return finish(&w, TL_READ_RESULT | TL_REPLY, seq, out);
}

static size_t status(uint16_t seq, uint16_t n, uint8_t *out)
{
    if (n != 0) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "STATUS carries no payload", out);
    }
    const tl_board_info_t *info = board_info();
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, (armed ? TL_STATUS_ARMED : 0) | (board_interlock_tripped() ? TL_STATUS_INTERLOCK : 0));
    w32(&w, frames_ok);
    w32(&w, frames_bad);
    w8(&w, info->n_params);
    for (uint8_t i = 0; i < info->n_params; i++) {
        w16(&w, codes[i]);
    }
    return finish(&w, TL_STATUS | TL_REPLY, seq, out);
}

static size_t reset(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 1 || (p[0] & ~(TL_RESET_TILE | TL_RESET_INTERLOCK)) != 0) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "RESET carries a mask: 1 tile, 2 interlock latch", out);
    }
    if (p[0] & TL_RESET_TILE) {
        board_tile_reset();
    }
    if (p[0] & TL_RESET_INTERLOCK) {
        board_interlock_clear();
    }
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, (armed ? TL_STATUS_ARMED : 0) | (board_interlock_tripped() ? TL_STATUS_INTERLOCK : 0));
    return finish(&w, TL_RESET | TL_REPLY, seq, out);
}

static size_t ref_pulse(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    if (n != 5) {
        return error_reply(seq, TL_E_BAD_PAYLOAD, "REF_PULSE: channel mask, delay_ps", out);
    }
    uint32_t delay = rd32(p + 1);
    if (delay > info->window_ps) {
        return error_reply(seq, TL_E_DELAY_RANGE, "reference delay beyond the window", out);
    }
    uint32_t ts[TL_MAX_CHANNELS];
    int e = board_ref_pulse(p[0], delay, ts);
    if (e != 0) {
        return error_reply(seq, (uint8_t)e, "reference pulse failed", out);
    }
    writer_t w = {.len = TL_HEADER_LEN};
    w8(&w, info->n_channels);
    for (uint8_t c = 0; c < info->n_channels; c++) {
        w32(&w, (p[0] >> c) & 1 ? ts[c] : TL_NO_TIMESTAMP);
    }
    return finish(&w, TL_REF_PULSE | TL_REPLY, seq, out);
}

size_t bench_handle_frame(const uint8_t *f, size_t len, uint8_t *out)
{
    if (len < TL_HEADER_LEN + TL_CRC_LEN || f[0] != TL_PROTOCOL_VERSION) {
        frames_bad++;
        return 0;
    }
    uint16_t n = rd16(f + 4);
    if ((size_t)n + TL_HEADER_LEN + TL_CRC_LEN != len || tl_crc32(f, len - TL_CRC_LEN) != rd32(f + len - TL_CRC_LEN)) {
        frames_bad++;
        return 0;
    }
    frames_ok++;
    uint8_t type = f[1];
    uint16_t seq = rd16(f + 2);
    const uint8_t *p = f + TL_HEADER_LEN;
    if (have_cached && seq == cached_seq && type == cached_type && type != TL_HELLO && type != TL_STATUS) {
        memcpy(out, cached, cached_len);
        return cached_len;
    }
    size_t r;
    switch (type) {
    case TL_HELLO: r = hello(seq, p, n, out); break;
    case TL_SET_PARAMS: r = set_params(seq, p, n, out); break;
    case TL_ARM: r = arm(seq, p, n, out); break;
    case TL_FIRE_BATCH: r = fire_batch(seq, p, n, out); break;
    case TL_READ_RESULT: r = read_result(seq, p, n, out); break;
    case TL_STATUS: r = status(seq, n, out); break;
    case TL_RESET: r = reset(seq, p, n, out); break;
    case TL_REF_PULSE: r = ref_pulse(seq, p, n, out); break;
    default: r = error_reply(seq, TL_E_UNKNOWN_TYPE, "unknown command type", out); break;
    }
    memcpy(cached, out, r);
    cached_len = r;
    cached_seq = seq;
    cached_type = type;
    have_cached = true;
    return r;
}

void bench_rx_byte(uint8_t b)
{
    static uint8_t frame[TL_MAX_FRAME];
    static uint8_t reply[TL_MAX_ENCODED + 1];
    if (b != 0) {
        if (rx_len < sizeof rx) {
            rx[rx_len++] = b;
        } else {
            rx_overflow = true;
        }
        return;
    }
    if (rx_len > 0 && !rx_overflow) {
        size_t n = tl_cobs_decode(rx, rx_len, frame, sizeof frame);
        if (n > 0) {
            size_t r = bench_handle_frame(frame, n, reply);
            if (r > 0) {
                board_write(reply, r);
            }
        } else {
            frames_bad++;
        }
    } else if (rx_overflow) {
        frames_bad++;
    }
    rx_len = 0;
    rx_overflow = false;
}
