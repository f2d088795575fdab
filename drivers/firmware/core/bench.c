/* Framing, frame checks, the replay cache and the counters (drivers/protocol.md sections 2, 3, 8). */
#include "bench.h"

#include <stdio.h>
#include <string.h>

#include "cobs.h"
#include "crc32.h"
#include "session.h"

tl_session_t tl_s;

static struct {
    bool valid;
    uint16_t seq;
    uint8_t type;
    uint32_t crc; /* of the request: a replay needs the identical frame, not only the same seq and type */
    size_t len;
    uint8_t reply[TL_MAX_ENCODED + 1];
} cache;

static uint8_t rx[TL_MAX_ENCODED + 1];
static size_t rx_len;
static bool rx_overflow;

uint16_t tl_rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t tl_rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

void tl_w8(tl_writer_t *w, uint8_t v)
{
    if (w->len < TL_HEADER_LEN + TL_MAX_PAYLOAD) {
        w->buf[w->len++] = v;
    } else {
        w->overflow = true;
    }
}
void tl_w16(tl_writer_t *w, uint16_t v) { tl_w8(w, v & 0xFF); tl_w8(w, v >> 8); }
void tl_w32(tl_writer_t *w, uint32_t v) { tl_w16(w, v & 0xFFFF); tl_w16(w, v >> 16); }

size_t tl_finish(tl_writer_t *w, uint8_t type, uint16_t seq, uint8_t *out)
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

size_t tl_error_reply(uint16_t seq, uint8_t code, const char *msg, uint8_t *out)
{
    tl_writer_t w = {.len = TL_HEADER_LEN};
    tl_w8(&w, code);
    size_t n = strlen(msg) > 255 ? 255 : strlen(msg);
    tl_w8(&w, (uint8_t)n);
    for (size_t i = 0; i < n; i++) {
        tl_w8(&w, (uint8_t)msg[i]);
    }
    tl_s.counters.errors++;
    return tl_finish(&w, TL_ERROR, seq, out);
}

void bench_init(void)
{
    tl_counters_t keep = tl_s.counters;
    memset(&tl_s, 0, sizeof tl_s);
    tl_s.counters = keep;
    tl_compute_safe_codes();
    const tl_board_info_t *info = board_info();
    for (uint8_t i = 0; i < info->n_params; i++) {
        tl_s.codes[i] = info->params[i].default_code;
    }
    board_apply_codes(tl_s.codes);
    board_set_drive(false);
    tl_s.latch_seen = board_interlock_tripped();
    cache.valid = false;
    rx_len = 0;
    rx_overflow = false;
}

const tl_counters_t *bench_counters(void) { return &tl_s.counters; }

/* A well-formed frame of another protocol version: VERSION, in version-1 framing, neither executed nor cached. */
static size_t other_version(uint8_t version, uint16_t seq, uint8_t *out)
{
    char msg[64];
    snprintf(msg, sizeof msg, "frame version %u not supported: this controller speaks %u.%u", (unsigned)version,
             (unsigned)TL_PROTOCOL_VERSION, (unsigned)TL_PROTOCOL_MINOR);
    return tl_error_reply(seq, TL_E_VERSION, msg, out);
}

size_t bench_handle_frame(const uint8_t *f, size_t len, uint8_t *out)
{
    if (len < TL_HEADER_LEN + TL_CRC_LEN || len > TL_MAX_FRAME) {
        tl_s.counters.frames_malformed++;
        return 0;
    }
    uint16_t n = tl_rd16(f + 4);
    uint32_t crc = tl_rd32(f + len - TL_CRC_LEN);
    if ((size_t)n + TL_HEADER_LEN + TL_CRC_LEN != len || tl_crc32(f, len - TL_CRC_LEN) != crc) {
        tl_s.counters.frames_malformed++;
        return 0;
    }
    tl_s.counters.frames_ok++;
    uint8_t type = f[1];
    uint16_t seq = tl_rd16(f + 2);
    if (f[0] != TL_PROTOCOL_VERSION) {
        return other_version(f[0], seq, out);
    }
    if (type == TL_HELLO || type == TL_STATUS) {
        if (type == TL_HELLO) {
            cache.valid = false;
        }
        return tl_execute(type, seq, f + TL_HEADER_LEN, n, out);
    }
    if (cache.valid && seq == cache.seq && type == cache.type && crc == cache.crc) {
        tl_s.counters.replays++;
        memcpy(out, cache.reply, cache.len);
        return cache.len;
    }
    size_t r = tl_execute(type, seq, f + TL_HEADER_LEN, n, out);
    memcpy(cache.reply, out, r);
    cache.len = r;
    cache.seq = seq;
    cache.type = type;
    cache.crc = crc;
    cache.valid = true;
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
    if (rx_overflow) {
        tl_s.counters.frames_malformed++;
    } else if (rx_len > 0) {
        size_t n = tl_cobs_decode(rx, rx_len, frame, sizeof frame);
        if (n > 0) {
            size_t r = bench_handle_frame(frame, n, reply);
            if (r > 0) {
                board_write(reply, r);
            }
        } else {
            tl_s.counters.frames_malformed++;
        }
    }
    rx_len = 0;
    rx_overflow = false;
}
