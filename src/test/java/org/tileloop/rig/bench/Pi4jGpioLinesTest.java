package org.tileloop.rig.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tileloop.rig.bench.internal.Pi4jGpioLines;

/** Host GPIO through Pi4J's mock platform: pins cannot exist on a CI machine. */
class Pi4jGpioLinesTest {

    Context ctx;

    @BeforeEach
    void context() {
        ctx = Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
    }

    @AfterEach
    void shutdown() {
        ctx.shutdown();
    }

    @Test
    void enableFollowsTheRigAndAnActiveLowInterlockTripsOnLow() {
        Pi4jGpioLines lines = new Pi4jGpioLines(ctx, new BenchSettings.Gpio("mock", 17, 27, 22, 23, true));
        DigitalOutput enable = ctx.registry().get("enable");
        MockDigitalInput interlock = ctx.registry().get("interlock");
        assertEquals(DigitalState.LOW, enable.state(), "drive starts gated off");
        lines.setEnable(true);
        assertEquals(DigitalState.HIGH, enable.state());
        interlock.mockState(DigitalState.HIGH);
        assertFalse(lines.interlockActive(), "pulled-up input high: loop closed");
        interlock.mockState(DigitalState.LOW);
        assertTrue(lines.interlockActive(), "input pulled low: tripped");
        lines.pulseTrigger();
        lines.pulseReset();
        assertEquals(DigitalState.LOW, ((DigitalOutput) ctx.registry().get("trigger")).state(), "trigger returns low after its pulse");
        assertEquals(23, ((DigitalInput) ctx.registry().get("interlock")).address().intValue());
        lines.setEnable(false);
        assertEquals(DigitalState.LOW, enable.state());
    }

    @Test
    void activeHighPolarity() {
        Pi4jGpioLines lines = new Pi4jGpioLines(ctx, new BenchSettings.Gpio("mock", 17, 27, 22, 23, false));
        MockDigitalInput interlock = ctx.registry().get("interlock");
        interlock.mockState(DigitalState.LOW);
        assertFalse(lines.interlockActive());
        interlock.mockState(DigitalState.HIGH);
        assertTrue(lines.interlockActive());
    }
}
