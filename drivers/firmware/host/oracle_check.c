/* Checks the tile oracle's reply parser: valid replies, and hostile ones refused without overflow. */
#include <stdio.h>
#include <string.h>

#include "emulator.h"

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

static int parse(const char *line, tile_response_t *r)
{
    char why[160];
    return tile_oracle_parse(line, 4, 30000.0, r, why, sizeof why);
}

static void refused(const char *line, const char *what)
{
    tile_response_t r;
    expect(parse(line, &r) == -1, what);
}

int main(void)
{
    tile_response_t r;
    expect(parse("ok 6309.5 1 1 5705.5 2 2 6109.9 9000 0 0 12 8 1 2 3 4 5 6 7 8", &r) == 0, "valid reply");
    expect(r.energy_valid && r.energy_fj == 6309.5, "energy");
    expect(r.count[0] == 1 && r.stored[0] == 1 && r.t_ps[0][0] == 5705.5, "n0");
    expect(r.count[1] == 2 && r.t_ps[1][1] == 9000.0, "n1 second spike");
    expect(r.count[2] == 0 && r.stored[2] == 0, "n2 silent");
    expect(r.count[3] == 12 && r.stored[3] == 8 && r.t_ps[3][7] == 8.0, "n3: 12 spikes, the first 8 timed");
    expect(parse("ok - 0 0 0 0 0 0 0 0", &r) == 0 && !r.energy_valid, "energy unknown");
    char why[160];
    expect(tile_oracle_parse("error rig sim-tile4-chip1: parameter\x01 x", 4, 30000, &r, why, sizeof why) == -1
               && !strcmp(why, "error: rig sim-tile4-chip1: parameter? x"), "error reply, control byte masked");
    refused("", "empty line");
    refused("ok", "no energy");
    refused("ok 1 0 0 0 0 0 0", "three channels");
    refused("ok 1 0 0 0 0 0 0 0 0 0 0", "trailing tokens");
    refused("ok 1 0 0 0 0 0 0 0 0 ", "trailing space");
    refused("ok 1  0 0 0 0 0 0 0 0", "double space");
    refused("ok\t1 0 0 0 0 0 0 0 0", "tab");
    refused("ok 1 9 9 1 2 3 4 5 6 7 8 9 0 0 0 0 0 0", "9 stored timestamps: more than the array holds");
    refused("ok 1 300 300 0 0 0 0 0 0", "stored beyond the array");
    refused("ok 1 2 1 5 0 0 0 0 0 0", "stored is not min(count, 8)");
    refused("ok 1 1 1 40000 0 0 0 0 0 0", "spike after the window");
    refused("ok 1 1 1 -5 0 0 0 0 0 0", "negative time");
    refused("ok 1 2 2 7 6 0 0 0 0 0 0", "times not ascending");
    refused("ok 1 1 1 nan 0 0 0 0 0 0", "NaN");
    refused("ok inf 0 0 0 0 0 0 0 0", "infinite energy");
    refused("ok 1e10 0 0 0 0 0 0 0 0", "energy beyond u32 fJ");
    refused("ok 1 -1 0 0 0 0 0 0 0", "negative count");
    refused("ok 1 99999999999 8 1 2 3 4 5 6 7 8 0 0 0 0 0 0", "count beyond 1000000");
    refused("ok 1 +1 1 5 0 0 0 0 0 0", "signed count");
    refused("ok 0x10 0 0 0 0 0 0 0 0", "hex energy");
    refused("ok 1 1 1 50000000000000000000000000000000000000000000000000000000000000000000 0 0 0 0 0 0", "overlong token");
    refused("OK 1 0 0 0 0 0 0 0 0", "unknown verb");
    char big[8192];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memcpy(big, "ok ", 3);
    refused(big, "8 KB token");
    printf(failures ? "oracle-check: %d failures\n" : "oracle-check: ok\n", failures);
    return failures != 0;
}
