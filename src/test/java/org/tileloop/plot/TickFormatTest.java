package org.tileloop.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TickFormatTest {

    @Test
    void decadesGetSuperscriptExponentsAndPlainNumbersNoGrouping() {
        assertEquals("10⁻⁵", TickFormat.DECADES.format(1e-5));
        assertEquals("10⁰", TickFormat.DECADES.format(1));
        assertEquals("10¹²", TickFormat.DECADES.format(1e12));
        assertEquals("3.2", TickFormat.DECADES.format(3.16));
        assertEquals("25000", TickFormat.PLAIN.format(25000));
        assertEquals("0.3", TickFormat.PLAIN.format(0.1 + 0.2));
        assertEquals("-0.25", TickFormat.PLAIN.format(-0.25));
        assertEquals("0", TickFormat.PLAIN.format(0));
        assertEquals("1.5E-13", TickFormat.PLAIN.format(1.5e-13));
        assertEquals("2E7", TickFormat.PLAIN.format(2e7));
    }
}
