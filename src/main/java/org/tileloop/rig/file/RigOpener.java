package org.tileloop.rig.file;

import org.tileloop.rig.Rig;

/**
 * Opens the rig a rig file describes, uncalibrated: here ({@link #LOCAL}) or elsewhere, e.g. a
 * simulated rig on the fleet's workers ({@code tileloop ... --fleet}).
 */
@FunctionalInterface
public interface RigOpener {

    /** Opens the rig on this machine ({@link Rigs#open}). */
    RigOpener LOCAL = Rigs::open;

    Rig open(RigFile file);
}
