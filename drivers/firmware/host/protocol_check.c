/* Checks the core against drivers/protocol.md v1.1, one check per rule, on a scripted board. */
#include <stdio.h>
#include <string.h>

#include "../core/bench.h"
#include "../core/board.h"
#include "../core/cobs.h"
#include "../core/crc32.h"
#include "../core/protocol.h"

static int failures;
#define EXPECT(ok, what)                                         \
    do {                                                         \
        if (!(ok)) {                                             \
            fprintf(stderr, "FAIL line %d: %s\n", __LINE__, what); \
            failures++;                                          \
        }                                                        \
    } while (0)

/* ---- the scripted board ---- */
static const char *const ch_names[] = {"n0", "n1"};
static const char *const in_names[] = {"in0", "in1"};
static const tl_param_info_t params[] = {
    {"r_fb", "ohm", 0, 1023, 151, 50.0f, 20050.0f, 1000.0f, 20000.0f},
    {"bias", "V", 0, 100, 60, 10.0f, 0.0f, 2.05f, 5.0f}, /* decreasing: value = 10 - code/10 */
};
static const tl_board_info_t info = {"check 1.1", "check-01", 1, 20000, 30000, 2, ch_names, 2, in_names, 2, params};
static uint16_t applied[2];
static int applies, measured, trip_at = -1;
static bool latch, input_active;
static tl_result_t next_result;

const tl_board_info_t *board_info(void) { return &info; }
void board_apply_codes(const uint16_t *c) { memcpy(applied, c, sizeof applied), applies++; }
void board_set_drive(bool on) { (void)on; }
bool board_interlock_tripped(void) { return latch; }
bool board_interlock_clear(void)
{
    latch = input_active;
    return !latch;
}
void board_tile_reset(void) {}
int board_measure(const tl_stimulus_t *s, tl_result_t *r)
{
    (void)s;
    if (measured++ == trip_at) {
        latch = true;
        return TL_E_INTERLOCK;
    }
    *r = next_result;
    return 0;
}
int board_ref_pulse(uint8_t mask, uint32_t delay_ps, int32_t *ts)
{
    for (int c = 0; c < 2; c++) {
        ts[c] = (mask >> c) & 1 ? (int32_t)delay_ps - 20 : 0;
    }
    return 0;
}
void board_write(const uint8_t *d, size_t n) { (void)d, (void)n; }

/* ---- frames ---- */
typedef struct {
    uint8_t version, type;
    uint16_t seq;
    uint16_t n;
    uint8_t p[TL_MAX_PAYLOAD];
    size_t wire_len;
    uint8_t wire[TL_MAX_ENCODED + 1];
} reply_t;

static size_t body(uint8_t version, uint8_t type, uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *f)
{
    f[0] = version, f[1] = type, f[2] = seq & 0xFF, f[3] = seq >> 8, f[4] = n & 0xFF, f[5] = n >> 8;
    if (n > 0) {
        memcpy(f + 6, p, n); /* p may be NULL when n == 0 */
    }
    uint32_t crc = tl_crc32(f, 6u + n);
    for (int i = 0; i < 4; i++) {
        f[6 + n + i] = (uint8_t)(crc >> (8 * i));
    }
    return 10u + n;
}

static reply_t ask_v(uint8_t version, uint8_t type, uint16_t seq, const uint8_t *p, uint16_t n)
{
    uint8_t f[TL_MAX_FRAME], dec[TL_MAX_FRAME];
    reply_t r = {0};
    r.wire_len = bench_handle_frame(f, body(version, type, seq, p, n, f), r.wire);
    if (r.wire_len == 0) {
        return r;
    }
    size_t d = tl_cobs_decode(r.wire, r.wire_len - 1, dec, sizeof dec);
    r.version = dec[0], r.type = dec[1], r.seq = (uint16_t)(dec[2] | dec[3] << 8), r.n = (uint16_t)(dec[4] | dec[5] << 8);
    memcpy(r.p, dec + 6, r.n);
    EXPECT(d == 10u + r.n && tl_crc32(dec, d - 4) == (uint32_t)(dec[d - 4] | dec[d - 3] << 8 | dec[d - 2] << 16 | (uint32_t)dec[d - 1] << 24),
           "reply framing");
    return r;
}
static reply_t ask(uint8_t type, uint16_t seq, const uint8_t *p, uint16_t n) { return ask_v(1, type, seq, p, n); }
static bool is_error(reply_t r, uint8_t code) { return r.type == TL_ERROR && r.p[0] == code; }
static uint32_t u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t seq = 100;

static reply_t hello(uint8_t minor)
{
    uint8_t p[2] = {1, minor};
    return ask(TL_HELLO, ++seq, p, minor ? 2 : 1);
}
static reply_t status(void) { return ask(TL_STATUS, ++seq, NULL, 0); }
static uint32_t counter(reply_t st, int k) { return u32(st.p + 1 + 8 + 1 + 2 * 2 + 4 * k); } /* v1.1: 0 replays .. 4 trips */
static reply_t arm(uint8_t on) { return ask(TL_ARM, ++seq, &on, 1); }
static reply_t set(uint8_t idx, uint16_t code)
{
    uint8_t p[4] = {1, idx, code & 0xFF, code >> 8};
    return ask(TL_SET_PARAMS, ++seq, p, 4);
}
/* FIRE_BATCH of count stimuli, each "in0 at delay". */
static reply_t fire(uint16_t id, uint16_t count, uint32_t delay)
{
    uint8_t p[4 + 6 * 17];
    size_t n = 4;
    p[0] = id & 0xFF, p[1] = id >> 8, p[2] = count & 0xFF, p[3] = count >> 8;
    for (uint16_t s = 0; s < count && s < 17; s++) {
        p[n++] = 1, p[n++] = 0;
        for (int i = 0; i < 4; i++) {
            p[n++] = (uint8_t)(delay >> (8 * i));
        }
    }
    return ask(TL_FIRE_BATCH, ++seq, p, (uint16_t)n);
}
static reply_t read_result(uint16_t id, uint16_t idx)
{
    uint8_t p[4] = {id & 0xFF, id >> 8, idx & 0xFF, idx >> 8};
    return ask(TL_READ_RESULT, ++seq, p, 4);
}

static void versions_and_framing(void)
{
    reply_t v10 = hello(0), v11 = hello(1), later = hello(7);
    EXPECT(v10.type == (TL_HELLO | TL_REPLY) && v11.n == v10.n + 1 && v11.p[v11.n - 1] == 1, "HELLO 1.1 appends the minor version");
    EXPECT(later.n == v11.n && later.p[later.n - 1] == 1, "a newer host's minor is answered with 1");
    EXPECT(is_error(ask(TL_HELLO, ++seq, (const uint8_t[]){2}, 1), TL_E_VERSION), "HELLO major 2: VERSION");
    EXPECT(is_error(ask(TL_HELLO, ++seq, NULL, 0), TL_E_BAD_PAYLOAD), "empty HELLO: BAD_PAYLOAD");
    uint32_t ok = bench_counters()->frames_ok;
    reply_t other = ask_v(2, TL_HELLO, 777, (const uint8_t[]){2}, 1);
    EXPECT(is_error(other, TL_E_VERSION) && other.version == 1 && other.seq == 777, "unknown frame version: VERSION in version-1 framing");
    EXPECT(bench_counters()->frames_ok == ok + 1, "an unknown-version frame counts as ok");
    uint32_t bad = bench_counters()->frames_malformed;
    bench_rx_byte(0), bench_rx_byte(0);
    EXPECT(bench_counters()->frames_malformed == bad, "empty frames are ignored, not counted");
    for (int i = 0; i < 3 * TL_MAX_ENCODED; i++) {
        bench_rx_byte(0x11);
    }
    bench_rx_byte(0);
    EXPECT(bench_counters()->frames_malformed == bad + 1, "an over-long run counts once");
    uint8_t f[16], out[TL_MAX_ENCODED + 1];
    size_t n = body(1, TL_ARM, 1, (const uint8_t[]){0}, 1, f);
    EXPECT(bench_handle_frame(f, 9, out) == 0, "a body shorter than 10 bytes is dropped");
    f[4] = 2;
    EXPECT(bench_handle_frame(f, n, out) == 0, "a length field that disagrees with the body is dropped");
    f[4] = 1;
    f[n - 1] ^= 1;
    EXPECT(bench_handle_frame(f, n, out) == 0 && bench_counters()->frames_malformed == bad + 4, "bad CRC dropped; all counted");
}

static void replay_cache(void)
{
    hello(1);
    int before = applies;
    uint8_t p[4] = {1, 0, 200, 0};
    reply_t a = ask(TL_SET_PARAMS, 5, p, 4);
    status();
    uint32_t replays = counter(status(), 0);
    reply_t b = ask(TL_SET_PARAMS, 5, p, 4);
    EXPECT(a.wire_len == b.wire_len && !memcmp(a.wire, b.wire, a.wire_len) && applies == before + 1,
           "a resend after STATUS is replayed, not executed");
    EXPECT(counter(status(), 0) == replays + 1, "replays are counted");
    p[3] = 0x40; /* same seq and type, different payload: a new request (CODE_RANGE) */
    reply_t c = ask(TL_SET_PARAMS, 5, p, 4);
    EXPECT(is_error(c, TL_E_CODE_RANGE), "same seq and type but other bytes: executed");
    uint32_t errors = counter(status(), 1);
    reply_t d = ask(TL_SET_PARAMS, 5, p, 4);
    EXPECT(d.wire_len == c.wire_len && !memcmp(d.wire, c.wire, c.wire_len) && counter(status(), 1) == errors, "ERROR replies are replayed");
    hello(1);
    p[3] = 0;
    ask(TL_SET_PARAMS, 5, p, 4);
    EXPECT(applies == before + 2, "HELLO empties the cache: a request numbered as before runs again");
}

static void codes(void)
{
    hello(1);
    reply_t h = hello(1);
    /* the second parameter's safe codes sit 14 bytes before the trailing minor byte: ... safe_lo safe_hi minor */
    uint16_t lo = (uint16_t)(h.p[h.n - 5] | h.p[h.n - 4] << 8), hi = (uint16_t)(h.p[h.n - 3] | h.p[h.n - 2] << 8);
    EXPECT(lo == 50 && hi == 79, "decreasing map: safe codes are those whose value lies in [2.05, 5]");
    EXPECT(is_error(set(1, 49), TL_E_SAFETY_LIMIT) && set(1, 50).type == (TL_SET_PARAMS | TL_REPLY), "safe_code_min inclusive");
    EXPECT(set(1, 79).type == (TL_SET_PARAMS | TL_REPLY) && is_error(set(1, 80), TL_E_SAFETY_LIMIT), "safe_code_max inclusive");
    EXPECT(is_error(set(1, 101), TL_E_CODE_RANGE), "beyond code_max: CODE_RANGE first");
    uint8_t two[7] = {2, 0, 0x00, 0x08, 9, 0, 0}; /* r_fb code 2048 (CODE_RANGE), then index 9 (BAD_INDEX) */
    EXPECT(is_error(ask(TL_SET_PARAMS, ++seq, two, 7), TL_E_CODE_RANGE), "SET_PARAMS: the first failing pair decides");
    reply_t st = status();
    EXPECT(st.p[10] == 200 && st.p[11] == 0 && st.p[12] == 79, "a refused SET_PARAMS changes nothing (atomic)");
    uint8_t repeat[7] = {2, 1, 60, 0, 1, 70, 0};
    ask(TL_SET_PARAMS, ++seq, repeat, 7);
    EXPECT(applied[1] == 70, "a repeated index: the last pair wins");
    bench_init();
    EXPECT(applied[0] == 151 && applied[1] == 60, "power-up applies default_code");
}

static void limits_and_results(void)
{
    hello(1);
    latch = false;
    arm(1);
    EXPECT(fire(1, TL_MAX_BATCH, 20000).type == (TL_FIRE_BATCH | TL_REPLY), "max_batch stimuli at max_delay_ps: accepted");
    EXPECT(is_error(fire(2, TL_MAX_BATCH + 1, 0), TL_E_BATCH_TOO_LARGE) && is_error(fire(2, 0, 0), TL_E_BATCH_TOO_LARGE), "n in [1, max_batch]");
    EXPECT(is_error(fire(2, 1, 20001), TL_E_DELAY_RANGE), "a delay beyond max_delay_ps");
    EXPECT(read_result(1, 15).type == (TL_READ_RESULT | TL_REPLY), "a refused FIRE_BATCH leaves the last results readable");
    uint8_t dup[4 + 1 + 10] = {3, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT(is_error(ask(TL_FIRE_BATCH, ++seq, dup, sizeof dup), TL_E_BAD_PAYLOAD), "an input listed twice");
    memset(&next_result, 0, sizeof next_result);
    next_result.flags = 0;
    next_result.energy_fj = 1234;
    next_result.ch[0] = (tl_channel_result_t){13, 8, {-20, 5, 6, 7, 8, 9, 10, 11}};
    reply_t f = fire(4, 2, 100);
    EXPECT(f.n == 4 && f.p[2] == 2 && f.p[3] == 0, "n measured is n");
    reply_t r = read_result(4, 1);
    EXPECT(r.p[4] == 0 && u32(r.p + 5) == 0, "energy_fj is 0 when not valid");
    EXPECT(r.p[10] == 13 && r.p[11] == 8, "the true spike count beside the stored timestamps");
    EXPECT((int32_t)u32(r.p + 12) == -20, "v1.1: a timestamp before the origin is negative");
    hello(0);
    r = read_result(4, 1);
    EXPECT(u32(r.p + 12) == 0 && u32(r.p + 16) == 5, "v1.0 session: clamped to 0");
    reply_t ref = ask(TL_REF_PULSE, ++seq, (const uint8_t[]){1, 0x30, 0x75, 0, 0}, 5);
    EXPECT(ref.type == (TL_REF_PULSE | TL_REPLY) && u32(ref.p + 1) == 29980 && u32(ref.p + 5) == TL_NO_TIMESTAMP, "REF_PULSE at window_ps");
    EXPECT(is_error(ask(TL_REF_PULSE, ++seq, (const uint8_t[]){1, 0x31, 0x75, 0, 0}, 5), TL_E_DELAY_RANGE), "REF beyond window_ps");
    EXPECT(is_error(ask(TL_REF_PULSE, ++seq, (const uint8_t[]){4, 0, 0, 0, 0}, 5), TL_E_BAD_INDEX), "REF mask beyond the channels");
    hello(1);
    ref = ask(TL_REF_PULSE, ++seq, (const uint8_t[]){3, 10, 0, 0, 0}, 5);
    EXPECT((int32_t)u32(ref.p + 1) == -10, "v1.1: a reference reading before the origin is negative");
}

static void interlock(void)
{
    hello(1);
    latch = false;
    arm(1);
    fire(7, 1, 0);
    reply_t st = status();
    uint32_t stimuli = counter(st, 2), trips = counter(st, 4);
    measured = 0;
    trip_at = 2;
    EXPECT(is_error(fire(8, 4, 0), TL_E_INTERLOCK), "a trip in the middle of a batch: INTERLOCK for the batch");
    trip_at = -1;
    EXPECT(is_error(read_result(8, 0), TL_E_NO_RESULT) && is_error(read_result(7, 0), TL_E_NO_RESULT), "no result of that batch or the one before");
    st = status();
    EXPECT(st.p[0] == TL_STATUS_INTERLOCK, "latched and disarmed");
    EXPECT(counter(st, 2) == stimuli + 2 && counter(st, 4) == trips + 1, "stimuli measured before the trip and one trip counted");
    EXPECT(is_error(arm(1), TL_E_INTERLOCK) && arm(0).type == (TL_ARM | TL_REPLY), "ARM 1 refused while latched, ARM 0 answered");
    EXPECT(is_error(ask(TL_REF_PULSE, ++seq, (const uint8_t[]){1, 0, 0, 0, 0}, 5), TL_E_INTERLOCK), "REF_PULSE refused while latched");
    EXPECT(is_error(fire(9, 1, 30000), TL_E_DELAY_RANGE), "payload errors before INTERLOCK");
    EXPECT(set(0, 300).type == (TL_SET_PARAMS | TL_REPLY), "SET_PARAMS while latched");
    input_active = true;
    reply_t r = ask(TL_RESET, ++seq, (const uint8_t[]){3}, 1);
    EXPECT(r.type == (TL_RESET | TL_REPLY) && r.p[0] == TL_STATUS_INTERLOCK, "RESET while the input is active: answered, still latched");
    input_active = false;
    r = ask(TL_RESET, ++seq, (const uint8_t[]){2}, 1);
    EXPECT(r.p[0] == 0 && arm(1).p[0] == 1, "released: the latch clears, ARM works again");
    latch = true;
    EXPECT(is_error(fire(10, 1, 0), TL_E_INTERLOCK) && counter(status(), 4) == trips + 2, "a latch found before a batch: INTERLOCK, counted");
    latch = false;
    arm(0);
    EXPECT(is_error(fire(11, 1, 0), TL_E_NOT_ARMED), "not armed");
}

int main(void)
{
    bench_init();
    versions_and_framing();
    replay_cache();
    codes();
    limits_and_results();
    interlock();
    printf(failures ? "protocol-check: %d failures\n" : "protocol-check: ok\n", failures);
    return failures != 0;
}
