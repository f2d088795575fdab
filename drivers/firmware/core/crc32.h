#ifndef TILELOOP_CRC32_H
#define TILELOOP_CRC32_H
#include <stddef.h>
#include <stdint.h>
/* CRC-32/ISO-HDLC (IEEE 802.3): poly 0x04C11DB7 reflected, init and xorout 0xFFFFFFFF. "123456789" -> 0xCBF43926. */
uint32_t tl_crc32(const uint8_t *data, size_t len);
#endif
