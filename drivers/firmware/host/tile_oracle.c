/* Tile oracle: the emulated tile's response comes from another process (tileloop runs a SPICE
 * simulation), one request line on stdout, one reply line on stdin. See drivers/README.md. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/protocol.h"
#include "emulator.h"

#define REPLY_MAX 4096 /* bytes per reply line, newline excluded */
#define TOKEN_MAX 32
#define COUNT_MAX 1000000L

static int request_fd = -1;

int tile_oracle_open(void)
{
    request_fd = dup(STDOUT_FILENO);
    if (request_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

typedef struct {
    const char *p;
    const char *why;
} reader_t;

/* The next token: non-empty, at most TOKEN_MAX - 1 bytes, followed by one space or the end of the line. */
static bool word(reader_t *r, char *tok)
{
    size_t n = 0;
    while (*r->p && *r->p != ' ') {
        if (n + 1 >= TOKEN_MAX) {
            r->why = "token too long";
            return false;
        }
        tok[n++] = *r->p++;
    }
    tok[n] = 0;
    if (n == 0) {
        r->why = "reply too short";
        return false;
    }
    if (*r->p == ' ') {
        r->p++;
        if (*r->p == 0 || *r->p == ' ') {
            r->why = "tokens are separated by exactly one space";
            return false;
        }
    }
    return true;
}

static bool integer(reader_t *r, long lo, long hi, long *v, const char *what)
{
    char tok[TOKEN_MAX];
    if (!word(r, tok)) {
        return false;
    }
    size_t n = strlen(tok);
    if (n > 10 || strspn(tok, "0123456789") != n) {
        r->why = what;
        return false;
    }
    *v = strtol(tok, NULL, 10);
    if (*v < lo || *v > hi) {
        r->why = what;
        return false;
    }
    return true;
}

static bool real(reader_t *r, double lo, double hi, double *v, const char *what)
{
    char tok[TOKEN_MAX], *end;
    if (!word(r, tok)) {
        return false;
    }
    if (strspn(tok, "0123456789.eE+-") != strlen(tok)) {
        r->why = what;
        return false;
    }
    *v = strtod(tok, &end);
    if (*end || end == tok || !isfinite(*v) || *v < lo || *v > hi) {
        r->why = what;
        return false;
    }
    return true;
}

static void reason(char *why, size_t why_len, const char *prefix, const char *text)
{
    size_t n = (size_t)snprintf(why, why_len, "%s", prefix);
    for (; n + 1 < why_len && *text; text++) {
        why[n++] = *text >= 0x20 && *text < 0x7F ? *text : '?';
    }
    if (why_len > 0) {
        why[n < why_len ? n : why_len - 1] = 0;
    }
}

int tile_oracle_parse(const char *line, int n_channels, double window_ps, tile_response_t *out, char *why, size_t why_len)
{
    if (!strncmp(line, "error ", 6)) {
        reason(why, why_len, "error: ", line + 6);
        return -1;
    }
    for (const char *c = line; *c; c++) {
        if (*c < 0x20 || *c >= 0x7F) {
            reason(why, why_len, "malformed reply: ", "a byte outside printable ASCII");
            return -1;
        }
    }
    if (n_channels < 0 || n_channels > EMU_CHANNELS) {
        reason(why, why_len, "malformed reply: ", "too many channels");
        return -1;
    }
    memset(out, 0, sizeof *out);
    reader_t r = {.p = line, .why = NULL};
    char tok[TOKEN_MAX];
    bool ok = word(&r, tok);
    if (ok && strcmp(tok, "ok") != 0) {
        r.why = "a reply is 'ok ...' or 'error ...'";
        ok = false;
    }
    if (ok && !strcmp(r.p, "-")) {
        r.p++;
    } else if (ok && !strncmp(r.p, "- ", 2)) {
        r.p += 2;
    } else if (ok) {
        ok = real(&r, 0, 4294967295.0, &out->energy_fj, "energy_fj: a number in [0, 4294967295] or -");
        out->energy_valid = ok;
    }
    for (int c = 0; ok && c < n_channels; c++) {
        long count = 0, stored = 0;
        ok = integer(&r, 0, COUNT_MAX, &count, "spike count: an integer in [0, 1000000]")
             && integer(&r, 0, TL_MAX_SPIKES, &stored, "stored: an integer in [0, 8]");
        if (ok && stored != (count < TL_MAX_SPIKES ? count : TL_MAX_SPIKES)) {
            r.why = "stored must be min(spike count, 8)";
            ok = false;
        }
        out->count[c] = count;
        out->stored[c] = (int)stored;
        for (int k = 0; ok && k < stored; k++) {
            ok = real(&r, k ? out->t_ps[c][k - 1] : 0, window_ps, &out->t_ps[c][k],
                      "spike time: ps, ascending, inside the window");
        }
    }
    if (ok && *r.p) {
        r.why = "trailing tokens";
        ok = false;
    }
    if (!ok) {
        reason(why, why_len, "malformed reply: ", r.why ? r.why : "?");
        return -1;
    }
    return 0;
}

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(request_fd, s, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            fprintf(stderr, "bench-emulator: tile oracle gone (request not written: %s)\n", strerror(errno));
            exit(5);
        }
        s += w;
        n -= (size_t)w;
    }
}

/* One reply line into buf; an overlong line is read to its end and reported as -1. EOF exits: the oracle is gone. */
static int read_reply(char *buf, size_t cap)
{
    size_t n = 0;
    bool overlong = false;
    for (;;) {
        char c;
        ssize_t got = read(STDIN_FILENO, &c, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            fprintf(stderr, "bench-emulator: tile oracle gone (no reply)\n");
            exit(5);
        }
        if (c == '\n') {
            break;
        }
        if (n + 1 < cap) {
            buf[n++] = c == 0 ? 0x01 : c; /* a NUL must not end the line early: the parser refuses 0x01 */
        } else {
            overlong = true;
        }
    }
    buf[n] = 0;
    return overlong ? -1 : 0;
}

int tile_oracle_ask(const char *request, int n_channels, double window_ps, tile_response_t *out)
{
    static char line[REPLY_MAX + 1];
    char why[160];
    write_all(request, strlen(request));
    if (read_reply(line, sizeof line) != 0) {
        fprintf(stderr, "bench-emulator: malformed reply: longer than %d bytes\n", REPLY_MAX);
        return TL_E_HARDWARE;
    }
    if (tile_oracle_parse(line, n_channels, window_ps, out, why, sizeof why) != 0) {
        fprintf(stderr, "bench-emulator: tile oracle: %s\n", why);
        return TL_E_HARDWARE;
    }
    return 0;
}
