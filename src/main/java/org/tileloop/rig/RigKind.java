package org.tileloop.rig;

/** Whether a rig is simulated or a physical bench. */
public enum RigKind {
    SIMULATED, BENCH;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
