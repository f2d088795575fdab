package org.tileloop.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Leases on the daemon's bench rigs: one owner at a time, kept by pinging ({@code lease} again)
 * before {@code ttl_s} runs out, ended by {@code release} or by silence. While a lease holds,
 * only its owner may submit work for the rig, so two users never interleave stimuli on one tile.
 * Each job opens its rig afresh (parameters sent and calibration applied before its first
 * stimulus), so whatever a previous owner left on the tile is replaced; {@link #started}
 * reports the change of owner so the daemon can say so. Thread-safe.
 */
final class Leases {

    static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    static final int MIN_TTL_S = 5;
    static final int MAX_TTL_S = 3600;

    /** A lease: {@code owner} holds {@code rig} until {@code expires}. */
    record Lease(String rig, String owner, Instant expires) {
    }

    private final Clock clock;
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> lastUser = new HashMap<>();

    Leases(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes or renews {@code rig}'s lease for {@code ttlS} seconds.
     *
     * @throws CommandException when another owner holds it
     */
    synchronized Lease acquire(String rig, String owner, int ttlS) {
        Optional<Lease> held = holder(rig).filter(l -> !l.owner().equals(owner));
        if (held.isPresent()) {
            throw busy(held.get());
        }
        Lease l = new Lease(rig, owner, clock.instant().plusSeconds(ttlS));
        leases.put(rig, l);
        return l;
    }

    /** Ends {@code owner}'s lease on {@code rig}; false when it held none. */
    synchronized boolean release(String rig, String owner) {
        Optional<Lease> held = holder(rig);
        if (held.isPresent() && held.get().owner().equals(owner)) {
            leases.remove(rig);
            return true;
        }
        return false;
    }

    /**
     * Checks that {@code owner} (empty: someone without a lease) may use {@code rig} now.
     *
     * @throws CommandException when another owner holds its lease
     */
    synchronized void check(String rig, Optional<String> owner) {
        Optional<Lease> held = holder(rig);
        if (held.isPresent() && !owner.equals(Optional.of(held.get().owner()))) {
            throw busy(held.get());
        }
    }

    /** A job of {@code user} starts on {@code rig}: the previous job's user when it was someone else. */
    synchronized Optional<String> started(String rig, String user) {
        String before = lastUser.put(rig, user);
        return before == null || before.equals(user) ? Optional.empty() : Optional.of(before);
    }

    /** The unexpired lease on {@code rig}. */
    synchronized Optional<Lease> holder(String rig) {
        Lease l = leases.get(rig);
        if (l != null && !clock.instant().isBefore(l.expires())) {
            leases.remove(rig);
            l = null;
        }
        return Optional.ofNullable(l);
    }

    private CommandException busy(Lease l) {
        long left = Math.max(1, l.expires().getEpochSecond() - clock.instant().getEpochSecond());
        return new CommandException("rig " + l.rig() + " is leased by " + l.owner() + " (for " + left + " s more unless renewed);"
                + " wait until it is released or expires");
    }
}
