package org.tileloop.rig;

/** Whether a rig is simulated (transistor level), a physical bench, or a clocked digital model. */
public enum RigKind {
    SIMULATED, BENCH, DIGITAL;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
