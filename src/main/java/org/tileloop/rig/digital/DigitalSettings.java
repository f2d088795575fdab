package org.tileloop.rig.digital;

/**
 * A clocked digital temporal detector (rig file key {@code digital}).
 *
 * @param clockGhz update clock; first spikes are multiples of its period
 * @param bits width of each membrane register (fixed point over [0, vdd])
 * @param tstopNs simulated window
 * @param addPj32 energy of one 32-bit add, pJ; an n-bit add costs addPj32·n/32
 * @param multPj32 energy of one 32-bit multiply, pJ; an n-bit multiply costs multPj32·(n/32)²
 * @param regFjPerBit energy of writing one register bit, fJ
 */
public record DigitalSettings(double clockGhz, int bits, double tstopNs, double addPj32, double multPj32, double regFjPerBit) {

    public double periodNs() {
        return 1 / clockGhz;
    }

    /** Per neuron per clock: one multiply (leak), two adds (input, leak), one compare (an add), one register write. */
    public double energyPerNeuronTickPj() {
        double add = addPj32 * bits / 32.0;
        double mult = multPj32 * (bits / 32.0) * (bits / 32.0);
        return mult + 3 * add + regFjPerBit * bits / 1000.0;
    }
}
