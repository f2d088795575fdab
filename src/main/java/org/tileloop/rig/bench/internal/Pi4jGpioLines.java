package org.tileloop.rig.bench.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.tileloop.rig.RigUnavailableException;
import org.tileloop.rig.bench.BenchSettings;
import org.tileloop.rig.bench.GpioLines;

/**
 * {@link GpioLines} on Pi4J v2 with explicitly chosen providers (never auto-detected):
 * {@code gpiod} for a Raspberry Pi or any Linux board, {@code mock} for emulated benches.
 */
public final class Pi4jGpioLines implements GpioLines {

    private final Context context;
    private final DigitalOutput trigger;
    private final DigitalOutput reset;
    private final DigitalOutput enable;
    private final DigitalInput interlock;
    private final boolean activeLow;

    public Pi4jGpioLines(Context context, BenchSettings.Gpio pins) {
        this.context = context;
        this.activeLow = pins.interlockActiveLow();
        this.enable = output(context, "enable", pins.enablePin());
        this.trigger = output(context, "trigger", pins.triggerPin());
        this.reset = output(context, "reset", pins.resetPin());
        this.interlock = context.create(DigitalInput.newConfigBuilder(context).id("interlock").name("interlock")
                .address(pins.interlockPin()).pull(activeLow ? PullResistance.PULL_UP : PullResistance.PULL_DOWN).build());
    }

    /** A context for {@code platform} ("gpiod" or "mock"). */
    public static GpioLines open(BenchSettings.Gpio pins) {
        Context ctx = switch (pins.platform()) {
            case "gpiod" -> Pi4J.newContextBuilder()
                    .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance()).build();
            case "mock" -> Pi4J.newContextBuilder()
                    .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
            default -> throw new IllegalArgumentException("gpio platform " + pins.platform());
        };
        try {
            return new Pi4jGpioLines(ctx, pins);
        } catch (RuntimeException e) {
            ctx.shutdown();
            throw new RigUnavailableException("GPIO (" + pins.platform() + "): " + e.getMessage(), e);
        }
    }

    private static DigitalOutput output(Context ctx, String id, int pin) {
        return ctx.create(DigitalOutput.newConfigBuilder(ctx).id(id).name(id).address(pin)
                .initial(DigitalState.LOW).shutdown(DigitalState.LOW).build());
    }

    @Override
    public void setEnable(boolean on) {
        enable.state(on ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public void pulseReset() {
        reset.high();
        reset.low();
    }

    @Override
    public void pulseTrigger() {
        trigger.high();
        trigger.low();
    }

    @Override
    public boolean interlockActive() {
        return interlock.isHigh() != activeLow;
    }

    @Override
    public void close() {
        enable.low();
        context.shutdown();
    }
}
