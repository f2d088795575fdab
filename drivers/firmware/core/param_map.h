/* The parameter code <-> value map of drivers/protocol.md (section 4, HELLO): pure functions of a parameter's
 * description, compiled into every board (RP2040, emulator, checks). */
#ifndef TILELOOP_PARAM_MAP_H
#define TILELOOP_PARAM_MAP_H
#include <stdbool.h>
#include <stdint.h>

#include "board.h"

/* value(code) = value_at_min + (code - code_min) * (value_at_max - value_at_min) / (code_max - code_min),
 * in the parameter's unit; code in [code_min, code_max]. */
double tl_param_value(const tl_param_info_t *p, uint16_t code);
/* The safe code window: the lowest and highest codes whose value lies within [safety_min, safety_max] (with a
 * tolerance of 1e-6 of that span). When no code does, lo = code_max > hi = code_min. */
void tl_param_safe_codes(const tl_param_info_t *p, uint16_t *lo, uint16_t *hi);
#endif
