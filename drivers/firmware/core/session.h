/* Internal to the core: the controller's state shared by bench.c (framing, replay) and commands.c. */
#ifndef TILELOOP_SESSION_H
#define TILELOOP_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "board.h"
#include "protocol.h"

typedef struct {
    uint16_t codes[TL_MAX_PARAMS];
    uint16_t safe_lo[TL_MAX_PARAMS], safe_hi[TL_MAX_PARAMS]; /* safe_lo > safe_hi: no safe code */
    bool armed;
    uint8_t minor;          /* the session's minor version: 0 (v1.0 layouts) until a HELLO negotiates more */
    bool latch_seen;        /* the interlock was latched when last looked at */
    bool batch_valid;
    uint16_t batch_id, batch_n;
    tl_result_t results[TL_MAX_BATCH];
    tl_counters_t counters;
} tl_session_t;

extern tl_session_t tl_s;

/* A reply under construction: header space, then payload. */
typedef struct {
    uint8_t buf[TL_MAX_FRAME];
    size_t len;
    bool overflow;
} tl_writer_t;

void tl_w8(tl_writer_t *w, uint8_t v);
void tl_w16(tl_writer_t *w, uint16_t v);
void tl_w32(tl_writer_t *w, uint32_t v);
uint16_t tl_rd16(const uint8_t *p);
uint32_t tl_rd32(const uint8_t *p);
/* Header and CRC around w's payload, COBS and delimiter into out; returns the encoded length. */
size_t tl_finish(tl_writer_t *w, uint8_t type, uint16_t seq, uint8_t *out);
size_t tl_error_reply(uint16_t seq, uint8_t code, const char *msg, uint8_t *out);
/* Switches the drive off and disarms. */
void tl_drive_off(void);
/* Looks at the interlock latch (counting a newly seen trip); a latched interlock switches the drive off. */
bool tl_latched(void);
/* STATUS / RESET flags: armed, interlock latched. */
uint8_t tl_flags(void);
size_t tl_hello(uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out);
size_t tl_status(uint16_t seq, uint16_t n, uint8_t *out);
/* Executes one version-1 request (anything but the replay check) and returns its encoded reply. */
size_t tl_execute(uint8_t type, uint16_t seq, const uint8_t *p, uint16_t n, uint8_t *out);
/* Computes the safe code windows from the board's table. */
void tl_compute_safe_codes(void);
#endif
