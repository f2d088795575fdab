/* Reference bench firmware entry point: USB CDC byte loop into the portable core. */
#include <stdio.h>

#include "../core/bench.h"
#include "pico/stdlib.h"

void board_setup(void);

int main(void)
{
    stdio_usb_init();
    stdio_set_translate_crlf(&stdio_usb, false);
    board_setup();
    bench_init();
    for (;;) {
        int c = getchar_timeout_us(1000);
        if (c != PICO_ERROR_TIMEOUT) {
            bench_rx_byte((uint8_t)c);
        }
    }
}
