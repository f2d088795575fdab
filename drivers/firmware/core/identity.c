/* What the controller says about itself: the safe code windows, HELLO and STATUS (drivers/protocol.md section 4). */
#include <string.h>

#include "param_map.h"
#include "session.h"

void tl_compute_safe_codes(void)
{
    const tl_board_info_t *info = board_info();
    for (uint8_t i = 0; i < info->n_params; i++) {
        tl_param_safe_codes(&info->params[i], &tl_s.safe_lo[i], &tl_s.safe_hi[i]);
    }
}

static void wstr(tl_writer_t *w, const char *s)
{
    size_t n = strlen(s) > 255 ? 255 : strlen(s);
    tl_w8(w, (uint8_t)n);
    for (size_t i = 0; i < n; i++) {
        tl_w8(w, (uint8_t)s[i]);
    }
}

static void wf32(tl_writer_t *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    tl_w32(w, v);
}


size_t tl_hello(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out)
{
    if (n < 1) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "HELLO carries the host's protocol version (and minor version)", out);
    }
    if (p[0] != TL_PROTOCOL_VERSION) {
        return tl_error_reply(seq, TL_E_VERSION, "protocol version not supported (firmware speaks 1.1)", out);
    }
    tl_s.minor = n == 1 ? 0 : p[1] < TL_PROTOCOL_MINOR ? p[1] : TL_PROTOCOL_MINOR;
    const tl_board_info_t *info = board_info();
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, TL_PROTOCOL_VERSION);
    wstr(&w, info->firmware_version);
    wstr(&w, info->board_id);
    tl_w32(&w, info->timing_lsb_ps);
    tl_w32(&w, info->max_delay_ps);
    tl_w32(&w, info->window_ps);
    tl_w16(&w, TL_MAX_BATCH);
    tl_w8(&w, TL_MAX_SPIKES);
    tl_w8(&w, info->n_channels);
    for (uint8_t i = 0; i < info->n_channels; i++) {
        wstr(&w, info->channel_names[i]);
    }
    tl_w8(&w, info->n_inputs);
    for (uint8_t i = 0; i < info->n_inputs; i++) {
        wstr(&w, info->input_names[i]);
    }
    tl_w8(&w, info->n_params);
    for (uint8_t i = 0; i < info->n_params; i++) {
        const tl_param_info_t *q = &info->params[i];
        wstr(&w, q->name);
        wstr(&w, q->unit);
        tl_w16(&w, q->code_min);
        tl_w16(&w, q->code_max);
        tl_w16(&w, q->default_code);
        wf32(&w, q->value_at_min);
        wf32(&w, q->value_at_max);
        wf32(&w, q->safety_min);
        wf32(&w, q->safety_max);
        tl_w16(&w, tl_s.safe_lo[i]);
        tl_w16(&w, tl_s.safe_hi[i]);
    }
    if (tl_s.minor >= 1) {
        tl_w8(&w, tl_s.minor);
    }
    if (w.overflow) {
        return tl_error_reply(seq, TL_E_HARDWARE, "board description does not fit one frame", out);
    }
    return tl_finish(&w, TL_HELLO | TL_REPLY, seq, out);
}


size_t tl_status(uint16_t seq, uint16_t n, uint8_t *out)
{
    if (n != 0) {
        return tl_error_reply(seq, TL_E_BAD_PAYLOAD, "STATUS carries no payload", out);
    }
    const tl_board_info_t *info = board_info();
    const tl_counters_t *k = &tl_s.counters;
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, tl_flags());
    tl_w32(&w, k->frames_ok);
    tl_w32(&w, k->frames_malformed);
    tl_w8(&w, info->n_params);
    for (uint8_t i = 0; i < info->n_params; i++) {
        tl_w16(&w, tl_s.codes[i]);
    }
    if (tl_s.minor >= 1) {
        tl_w32(&w, k->replays);
        tl_w32(&w, k->errors);
        tl_w32(&w, k->stimuli);
        tl_w32(&w, k->ref_pulses);
        tl_w32(&w, k->interlock_trips);
    }
    return tl_finish(&w, TL_STATUS | TL_REPLY, seq, out);
}

