package org.tileloop.cli;

import org.tileloop.fleet.FleetRig;
import org.tileloop.fleet.FleetSettings;
import org.tileloop.rig.file.RigOpener;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --fleet} and the fleet's broker, for every command that measures a simulated rig. */
final class FleetOptions {

    @Option(names = "--fleet", description = "Measure on the fleet's workers (tileloop worker) instead of local ngspice processes;"
            + " simulated rigs only, same results.")
    boolean fleet;

    @Mixin
    FleetBroker broker;

    /** How the command opens its rig: here, or on the fleet. */
    RigOpener opener() {
        if (!fleet) {
            return RigOpener.LOCAL;
        }
        FleetSettings settings = FleetSettings.of(broker.settings());
        return file -> FleetRig.open(file, settings);
    }
}
