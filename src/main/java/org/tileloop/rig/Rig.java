package org.tileloop.rig;

import java.util.List;
import java.util.Map;

/**
 * A tile the trainer can drive: a simulated tile (ngspice) or a physical bench.
 *
 * <p>Units: times in nanoseconds, energy in picojoules, parameters in the unit their
 * {@link ParameterSpec} declares.
 *
 * <p>Threading: implementations are safe for use from several threads, but a rig serialises
 * access to its hardware; callers wanting parallelism submit one larger batch instead of
 * concurrent calls. A simulated rig may evaluate a batch's stimuli in parallel; results are
 * returned in batch order either way.
 *
 * <p>Failures are {@link RigException}s: {@link RigConfigurationException} for a parameter
 * vector or stimulus the rig refuses (nothing is executed), {@link MeasurementException} when
 * a measurement was attempted and produced no trustworthy result (e.g. simulator
 * non-convergence, a corrupt frame), {@link RigUnavailableException} when the rig cannot be
 * reached at all (simulator binary missing, serial port gone). A channel that does not spike
 * is not a failure: its first spike is absent, and a rig that knows where its measurement window
 * ended says so ({@link StimulusResult#windowNs()}), so a trainer can treat the silence as "not
 * before the window end" (censored) rather than as nothing.
 */
public interface Rig extends AutoCloseable {

    /** The rig's self-description: id, kind, parameters, channels, inputs. Never changes. */
    RigDescription description();

    /**
     * Measures a batch of probes, each a stimulus under its own parameter vector (e.g. all
     * perturbation points and traces of one training iteration).
     *
     * <p>Every vector and stimulus is validated against this description before anything runs.
     * Blocks until the whole batch is measured or a failure occurs; the timeout per probe is
     * rig-specific (for the simulated rig, {@code simulator.timeout_s}). A rig may evaluate
     * probes in parallel or reorder them internally; results are deterministic and in batch order.
     *
     * @return one result per probe, in batch order
     * @throws RigConfigurationException a vector or stimulus is invalid; nothing ran
     * @throws MeasurementException a probe could not be measured
     * @throws RigUnavailableException the rig cannot be reached
     */
    List<StimulusResult> measure(List<Probe> batch);

    /**
     * Whether this rig ends a first-spike measurement at its probe's {@link Probe#stopNs()} (a
     * simulated rig does; a bench's window is set by its firmware). A caller only splits a batch to
     * compute stop times when the rig uses them.
     */
    default boolean honoursStopTimes() {
        return false;
    }

    /** Measures every stimulus under one parameter vector; see {@link #measure(List)}. */
    default List<StimulusResult> measure(ParameterVector parameters, List<Stimulus> stimuli) {
        return measure(stimuli.stream().map(s -> new Probe(parameters, s)).toList());
    }

    /**
     * Injects a reference edge {@code delayNs} after the stimulus origin into every channel's
     * timing chain (no stimulus, no parameters involved) and returns what each channel's chain
     * measured, raw (uncalibrated) ns, in channel order. This is the input to calibration.
     *
     * @throws RigUnavailableException the rig has no reference path
     */
    default List<Double> measureReference(double delayNs) {
        throw new RigUnavailableException("rig " + description().id() + " has no reference-pulse path");
    }

    /** The calibration applied to every time this rig reports. */
    Calibration calibration();

    /** Applies {@code calibration} to every later measurement (e.g. after a recalibration). */
    void useCalibration(Calibration calibration);

    /**
     * Facts about what produces this rig's measurements, for run records: e.g. simulator name
     * and version and netlist hash, or firmware version and board id. Keys are snake_case.
     * May ask the simulator or device, so it can take up to a few seconds.
     */
    default Map<String, String> provenance() {
        return Map.of();
    }

    /** Releases processes, ports and pins. Idempotent. */
    @Override
    void close();
}
