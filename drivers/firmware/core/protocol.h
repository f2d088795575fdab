/* tileloop bench wire protocol, version 1.1 (major 1, minor 1). See drivers/protocol.md.
 * The one place the firmware's protocol constants live: core, emulator and RP2040 board include it. */
#ifndef TILELOOP_PROTOCOL_H
#define TILELOOP_PROTOCOL_H

#include <stdint.h>

#define TL_PROTOCOL_VERSION 1 /* major: the version byte of every frame */
#define TL_PROTOCOL_MINOR 1   /* highest minor version this core negotiates in HELLO */
#define TL_HEADER_LEN 6
#define TL_CRC_LEN 4
#define TL_MAX_PAYLOAD 480
#define TL_MAX_FRAME (TL_HEADER_LEN + TL_MAX_PAYLOAD + TL_CRC_LEN)
#define TL_MAX_ENCODED (TL_MAX_FRAME + TL_MAX_FRAME / 254 + 2)
#define TL_MAX_STIMULUS_INPUTS 4 /* inputs one stimulus may fire */

enum tl_type {
    TL_HELLO = 0x01,
    TL_SET_PARAMS = 0x02,
    TL_ARM = 0x03,
    TL_FIRE_BATCH = 0x04,
    TL_READ_RESULT = 0x05,
    TL_STATUS = 0x06,
    TL_RESET = 0x07,
    TL_REF_PULSE = 0x08,
    TL_REPLY = 0x80,
    TL_ERROR = 0x7F
};

enum tl_error {
    TL_E_UNKNOWN_TYPE = 1,
    TL_E_BAD_PAYLOAD = 2,
    TL_E_BAD_INDEX = 3,
    TL_E_CODE_RANGE = 4,
    TL_E_SAFETY_LIMIT = 5,
    TL_E_NOT_ARMED = 6,
    TL_E_INTERLOCK = 7,
    TL_E_BATCH_TOO_LARGE = 8,
    TL_E_DELAY_RANGE = 9,
    TL_E_NO_RESULT = 10,
    TL_E_VERSION = 11,
    TL_E_HARDWARE = 12
};

#define TL_RESET_TILE 0x01
#define TL_RESET_INTERLOCK 0x02

#define TL_STATUS_ARMED 0x01
#define TL_STATUS_INTERLOCK 0x02

#define TL_RESULT_ENERGY_VALID 0x01
#define TL_RESULT_COUNT_LIMITED 0x02 /* a channel reached the board's spike counter limit: its count is a lower bound */
#define TL_NO_TIMESTAMP 0xFFFFFFFFu  /* REF_PULSE: channel not in the mask */
#define TL_MAX_COUNT 255             /* spike counts saturate here */

#endif
