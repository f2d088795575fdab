/* The commands of drivers/protocol.md section 4, with the error precedence of section 7. */
#include <string.h>

#include "session.h"

void tl_drive_off(void)
{
    tl_s.armed = false;
    board_set_drive(false);
}

/* Looks at the interlock latch; a trip found here switches the drive off and disarms. */
bool tl_latched(void)
{
    bool now = board_interlock_tripped();
    if (now) {
        if (!tl_s.latch_seen) {
            tl_s.counters.interlock_trips++;
        }
        tl_drive_off();
    }
    tl_s.latch_seen = now;
    return now;
}

uint8_t tl_flags(void) { return (uint8_t)((tl_latched() ? TL_STATUS_INTERLOCK : 0) | (tl_s.armed ? TL_STATUS_ARMED : 0)); }

static size_t set_params(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    if (n < 1 || n != 1 + 3 * p[0]) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "SET_PARAMS: count then (index, code) triples", out);
    }
    uint16_t next[TL_MAX_PARAMS];
    memcpy(next, tl_s.codes, sizeof next);
    for (uint8_t k = 0; k < p[0]; k++) {
        uint8_t idx = p[1 + 3 * k];
        uint16_t code = tl_rd16(p + 2 + 3 * k);
        if (idx >= info->n_params) {
            return tl_error_reply(seq, TL_E_BAD_INDEX, "no such parameter index", out);
        }
        if (code < info->params[idx].code_min || code > info->params[idx].code_max) {
            return tl_error_reply(seq, TL_E_CODE_RANGE, info->params[idx].name, out);
        }
        if (code < tl_s.safe_lo[idx] || code > tl_s.safe_hi[idx]) {
            return tl_error_reply(seq, TL_E_SAFETY_LIMIT, info->params[idx].name, out);
        }
        next[idx] = code;
    }
    memcpy(tl_s.codes, next, sizeof tl_s.codes);
    board_apply_codes(tl_s.codes);
    tl_s.batch_valid = false;
    tl_writer_t w = {.len = TL_HEADER_LEN};
    return tl_finish(&w, TL_SET_PARAMS | TL_REPLY, seq, out);
}

static size_t arm(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 1 || p[0] > 1) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "ARM carries 1 (arm) or 0 (disarm)", out);
    }
    if (p[0] == 1 && tl_latched()) {
        return tl_error_reply(seq, TL_E_INTERLOCK, "interlock latched: drive stays off", out);
    }
    tl_s.armed = p[0] == 1;
    board_set_drive(tl_s.armed);
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, tl_s.armed);
    return tl_finish(&w, TL_ARM | TL_REPLY, seq, out);
}

/* Parses and checks the stimuli; 0 or an error reply's length. */
static size_t parse_batch(uint16_t seq, const uint8_t *p, uint16_t n, tl_stimulus_t *stim, uint16_t count, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    size_t at = 4;
    for (uint16_t s = 0; s < count; s++) {
        if (at >= n) {
            return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: truncated stimulus", out);
        }
        uint8_t k = p[at++];
        if (k == 0 || k > TL_MAX_STIMULUS_INPUTS || at + 5u * k > n) {
            return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: 1 to 4 inputs per stimulus", out);
        }
        stim[s].n = k;
        for (uint8_t j = 0; j < k; j++) {
            stim[s].input[j] = p[at];
            stim[s].delay_ps[j] = tl_rd32(p + at + 1);
            at += 5;
            if (stim[s].input[j] >= info->n_inputs) {
                return tl_error_reply(seq, TL_E_BAD_INDEX, "no such input index", out);
            }
            for (uint8_t i = 0; i < j; i++) {
                if (stim[s].input[i] == stim[s].input[j]) {
                    return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: an input listed twice in one stimulus", out);
                }
            }
            if (stim[s].delay_ps[j] > info->max_delay_ps) {
                return tl_error_reply(seq, TL_E_DELAY_RANGE, "input delay beyond max_delay_ps", out);
            }
        }
    }
    if (at != n) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: trailing bytes", out);
    }
    return 0;
}

static size_t fire_batch(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n < 4) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "FIRE_BATCH: batch id, count, stimuli", out);
    }
    uint16_t id = tl_rd16(p);
    uint16_t count = tl_rd16(p + 2);
    if (count == 0 || count > TL_MAX_BATCH) {
        return tl_error_reply(seq, TL_E_BATCH_TOO_LARGE, "stimuli per batch: 1 to max_batch", out);
    }
    static tl_stimulus_t stim[TL_MAX_BATCH];
    size_t refused = parse_batch(seq, p, n, stim, count, out);
    if (refused) {
        return refused;
    }
    if (tl_latched()) {
        return tl_error_reply(seq, TL_E_INTERLOCK, "interlock latched: drive is off", out);
    }
    if (!tl_s.armed) {
        return tl_error_reply(seq, TL_E_NOT_ARMED, "ARM before FIRE_BATCH", out);
    }
    tl_s.batch_valid = false;
    for (uint16_t s = 0; s < count; s++) {
        memset(&tl_s.results[s], 0, sizeof tl_s.results[s]);
        board_tile_reset();
        int e = board_measure(&stim[s], &tl_s.results[s]);
        if (e == TL_E_INTERLOCK || tl_latched()) {
            tl_drive_off();
            return tl_error_reply(seq, TL_E_INTERLOCK, "interlock tripped during the batch: drive switched off, batch discarded", out);
        }
        if (e != 0) {
            return tl_error_reply(seq, (uint8_t)e, "measurement failed", out);
        }
        tl_s.counters.stimuli++;
    }
    tl_s.batch_id = id;
    tl_s.batch_n = count;
    tl_s.batch_valid = true;
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w16(&w, id);
    tl_w16(&w, count);
    return tl_finish(&w, TL_FIRE_BATCH | TL_REPLY, seq, out);
}

/* A timestamp on the wire: signed in v1.1 sessions; v1.0 sessions clamp readings before the origin to 0. */
static void wts(tl_writer_t *w, int32_t t) { tl_w32(w, (uint32_t)(tl_s.minor >= 1 || t >= 0 ? t : 0)); }

static size_t read_result(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 4) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "READ_RESULT: batch id, index", out);
    }
    uint16_t id = tl_rd16(p), idx = tl_rd16(p + 2);
    if (!tl_s.batch_valid || id != tl_s.batch_id || idx >= tl_s.batch_n) {
        return tl_error_reply(seq, TL_E_NO_RESULT, "no such batch or index", out);
    }
    const tl_board_info_t *info = board_info();
    const tl_result_t *r = &tl_s.results[idx];
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w16(&w, id);
    tl_w16(&w, idx);
    tl_w8(&w, r->flags);
    tl_w32(&w, r->flags & TL_RESULT_ENERGY_VALID ? r->energy_fj : 0);
    tl_w8(&w, info->n_channels);
    for (uint8_t c = 0; c < info->n_channels; c++) {
        uint8_t stored = r->ch[c].stored < TL_MAX_SPIKES ? r->ch[c].stored : TL_MAX_SPIKES;
        tl_w8(&w, r->ch[c].spike_count < stored ? stored : r->ch[c].spike_count);
        tl_w8(&w, stored);
        for (uint8_t k = 0; k < stored; k++) {
            wts(&w, r->ch[c].ts[k]);
        }
    }
    return tl_finish(&w, TL_READ_RESULT | TL_REPLY, seq, out);
}

static size_t reset(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n != 1 || (p[0] & ~(TL_RESET_TILE | TL_RESET_INTERLOCK)) != 0) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "RESET carries a mask: 1 tile, 2 interlock latch", out);
    }
    if (p[0] & TL_RESET_TILE) {
        board_tile_reset();
    }
    if ((p[0] & TL_RESET_INTERLOCK) && tl_latched()) {
        board_interlock_clear();
    }
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, tl_flags());
    return tl_finish(&w, TL_RESET | TL_REPLY, seq, out);
}

static size_t ref_pulse(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    const tl_board_info_t *info = board_info();
    if (n != 5) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "REF_PULSE: channel mask, delay_ps", out);
    }
    uint8_t all = (uint8_t)((1u << info->n_channels) - 1u);
    if (p[0] == 0 || (p[0] & ~all) != 0) {
        return tl_error_reply(seq, TL_E_BAD_INDEX, "REF_PULSE: the mask selects no channel or one the board lacks", out);
    }
    uint32_t delay = tl_rd32(p + 1);
    if (delay > info->window_ps) {
        return tl_error_reply(seq, TL_E_DELAY_RANGE, "reference delay beyond the window", out);
    }
    if (tl_latched()) {
        return tl_error_reply(seq, TL_E_INTERLOCK, "interlock latched: no reference pulse", out);
    }
    int32_t ts[TL_MAX_CHANNELS];
    int e = board_ref_pulse(p[0], delay, ts);
    if (e == TL_E_INTERLOCK || tl_latched()) {
        tl_drive_off();
        return tl_error_reply(seq, TL_E_INTERLOCK, "interlock tripped during the reference pulse", out);
    }
    if (e != 0) {
        return tl_error_reply(seq, (uint8_t)e, "reference pulse failed", out);
    }
    tl_s.counters.ref_pulses++;
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, info->n_channels);
    for (uint8_t c = 0; c < info->n_channels; c++) {
        if ((p[0] >> c) & 1) {
            wts(&w, ts[c]);
        } else {
            tl_w32(&w, TL_NO_TIMESTAMP);
        }
    }
    return tl_finish(&w, TL_REF_PULSE | TL_REPLY, seq, out);
}

size_t tl_execute(uint8_t type, uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    switch (type) {
    case TL_HELLO: return tl_hello(seq, p, n, out);
    case TL_SET_PARAMS: return set_params(seq, p, n, out);
    case TL_ARM: return arm(seq, p, n, out);
    case TL_FIRE_BATCH: return fire_batch(seq, p, n, out);
    case TL_READ_RESULT: return read_result(seq, p, n, out);
    case TL_STATUS: return tl_status(seq, n, out);
    case TL_RESET: return reset(seq, p, n, out);
    case TL_REF_PULSE: return ref_pulse(seq, p, n, out);
    default: return tl_error_reply(seq, TL_E_UNKNOWN_TYPE, "unknown command type", out);
    }
}
