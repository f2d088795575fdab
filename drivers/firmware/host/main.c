/* bench-emulator: the reference firmware's core with an emulated tile, speaking the protocol on a tty. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../core/bench.h"
#include "emulator.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: bench-emulator --port TTY [--seed N] [--jitter-ps PS] [--lsb-ps PS] [--truth FILE] [--tile-oracle]\n"
            "                      [--corrupt-rate P] [--drop-rate P] [--disconnect-after N] [--interlock-after N]\n"
            "Speaks the tileloop bench protocol v1.1 on TTY (e.g. one end of a socat pty pair).\n"
            "Faults: --corrupt-rate flips a bit in each byte sent with probability P; --drop-rate drops a reply\n"
            "frame with probability P; --disconnect-after exits with status 3 after N replies (an unplug);\n"
            "--interlock-after trips the interlock at the N-th measurement or reference pulse.\n"
            "Timing chain: --offsets-ps A,B,C,D and --gain-ppm A,B,C,D per channel; --drift-after N --drift-ps X\n"
            "moves every offset by X ps after the N-th measurement.\n"
            "--tile-oracle: instead of the built-in tile model, each measurement writes one request line to stdout\n"
            "and reads the tile's response from one line on stdin (drivers/README.md); everything else goes to stderr.\n");
}

static double prob(const char *opt, const char *s)
{
    char *end;
    double p = strtod(s, &end);
    if (*end || !(p >= 0 && p <= 1)) {
        fprintf(stderr, "bench-emulator: %s: '%s' is not a probability in [0, 1]\n", opt, s);
        exit(2);
    }
    return p;
}

static void four(const char *opt, const char *s, double *out)
{
    char *end;
    for (int i = 0; i < 4; i++) {
        out[i] = strtod(s, &end);
        if (end == s || (i < 3 && *end != ',') || (i == 3 && *end)) {
            fprintf(stderr, "bench-emulator: %s: '%s' is not four comma-separated numbers\n", opt, s);
            exit(2);
        }
        s = end + 1;
    }
}

static long count(const char *opt, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0) {
        fprintf(stderr, "bench-emulator: %s: '%s' is not a count >= 0\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *port = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            usage();
            return 0;
        }
        if (!strcmp(a, "--tile-oracle")) {
            emu.tile_oracle = true;
            continue;
        }
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--port")) {
            port = v;
        } else if (!strcmp(a, "--seed")) {
            emu.seed = (uint64_t)count(a, v);
        } else if (!strcmp(a, "--jitter-ps")) {
            emu.jitter_ps = strtod(v, NULL);
        } else if (!strcmp(a, "--lsb-ps")) {
            emu.lsb_ps = (uint32_t)count(a, v);
        } else if (!strcmp(a, "--truth")) {
            emu.truth = fopen(v, "a");
            if (!emu.truth) {
                fprintf(stderr, "bench-emulator: --truth %s: %s\n", v, strerror(errno));
                return 2;
            }
        } else if (!strcmp(a, "--corrupt-rate")) {
            emu.corrupt_rate = prob(a, v);
        } else if (!strcmp(a, "--drop-rate")) {
            emu.drop_rate = prob(a, v);
        } else if (!strcmp(a, "--disconnect-after")) {
            emu.disconnect_after = count(a, v);
        } else if (!strcmp(a, "--offsets-ps")) {
            four(a, v, emu.offset_ps);
        } else if (!strcmp(a, "--gain-ppm")) {
            four(a, v, emu.gain_ppm);
        } else if (!strcmp(a, "--drift-after")) {
            emu.drift_after = count(a, v);
        } else if (!strcmp(a, "--drift-ps")) {
            emu.drift_ps = strtod(v, NULL);
        } else if (!strcmp(a, "--interlock-after")) {
            emu.interlock_after = count(a, v);
        } else {
            usage();
            return 2;
        }
    }
    if (!port || emu.lsb_ps == 0) {
        usage();
        return 2;
    }
    if (emu.tile_oracle && tile_oracle_open() != 0) {
        fprintf(stderr, "bench-emulator: --tile-oracle: %s\n", strerror(errno));
        return 2;
    }
    emu.fd = open(port, O_RDWR | O_NOCTTY);
    if (emu.fd < 0) {
        fprintf(stderr, "bench-emulator: %s: %s\n", port, strerror(errno));
        return 2;
    }
    struct termios t;
    if (tcgetattr(emu.fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(emu.fd, TCSANOW, &t);
    }
    emulator_reseed();
    bench_init();
    uint8_t buf[256];
    for (;;) {
        ssize_t n = read(emu.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return 0;
        }
        for (ssize_t i = 0; i < n; i++) {
            bench_rx_byte(buf[i]);
        }
    }
}
