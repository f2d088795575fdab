/* Checks the core's CRC and COBS against published values (CRC catalogue, COBS paper examples). */
#include <stdio.h>
#include <string.h>

#include "../core/cobs.h"
#include "../core/crc32.h"

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

int main(void)
{
    expect(tl_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "CRC-32 check value");
    const uint8_t in[] = {0x11, 0x22, 0x00, 0x33};
    const uint8_t want[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    uint8_t enc[16], dec[16];
    size_t n = tl_cobs_encode(in, sizeof in, enc);
    expect(n == sizeof want && !memcmp(enc, want, n), "COBS 11 22 00 33");
    expect(tl_cobs_decode(enc, n, dec, sizeof dec) == sizeof in && !memcmp(dec, in, sizeof in), "COBS round trip");
    uint8_t big[300], benc[320], bdec[300];
    for (int i = 0; i < 300; i++) {
        big[i] = (uint8_t)(i % 255 + 1);
    }
    size_t bn = tl_cobs_encode(big, sizeof big, benc);
    expect(bn == 302 && benc[0] == 0xFF, "COBS 254-byte block");
    expect(tl_cobs_decode(benc, bn, bdec, sizeof bdec) == 300 && !memcmp(big, bdec, 300), "COBS long round trip");
    uint8_t w9[254], w9enc[260];
    for (int i = 0; i < 254; i++) {
        w9[i] = (uint8_t)(i + 1);
    }
    size_t w9n = tl_cobs_encode(w9, sizeof w9, w9enc);
    expect(w9n == 255 && w9enc[0] == 0xFF && w9enc[254] == 0xFE, "COBS 01..FE (Wikipedia example 9)");
    printf(failures ? "core-check: %d failures\n" : "core-check: ok\n", failures);
    return failures != 0;
}
