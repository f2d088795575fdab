package org.tileloop.rig.spice;

import java.util.Locale;
import java.math.BigDecimal;

/**
 * How ngspice steps a transient: the maximum time step (also the print step of {@code .tran}),
 * the integration method and the local-truncation-error controls. The renderer writes these as
 * one {@code .options} line of validated numbers; nothing else reaches ngspice's options.
 *
 * @param maxStepPs maximum time step, ps
 * @param method    integration method
 * @param reltol    relative tolerance of the Newton iteration and the truncation error (ngspice {@code reltol})
 * @param trtol     factor by which the truncation error estimate is relaxed (ngspice {@code trtol})
 * @param chgtolC   absolute charge tolerance, coulombs (ngspice {@code chgtol})
 */
public record StepControl(double maxStepPs, Method method, double reltol, double trtol, double chgtolC) {

    /** ngspice's integration methods. */
    public enum Method {
        TRAP, GEAR;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** ngspice's defaults for the tolerances. */
    public static final double DEFAULT_RELTOL = 1e-3;
    public static final double DEFAULT_TRTOL = 7;
    public static final double DEFAULT_CHGTOL_C = 1e-14;

    /** The setting every shipped rig used before step tuning: 10 ps, trapezoidal, ngspice's default tolerances. */
    public static final StepControl UNTUNED = new StepControl(10, Method.TRAP, DEFAULT_RELTOL, DEFAULT_TRTOL, DEFAULT_CHGTOL_C);

    /** The fine reference spike times are judged against: 1 ps, Gear, tight tolerances. */
    public static final StepControl REFERENCE = new StepControl(1, Method.GEAR, 1e-5, 1, 1e-18);

    /** Allowed ranges (the rig loader and the renderer's guard both use them). */
    public static final double MIN_MAX_STEP_PS = 0.1;
    public static final double MAX_MAX_STEP_PS = 1000;
    public static final double MIN_RELTOL = 1e-6;
    public static final double MAX_RELTOL = 1e-2;
    public static final double MIN_TRTOL = 1;
    public static final double MAX_TRTOL = 20;
    public static final double MIN_CHGTOL_C = 1e-20;
    public static final double MAX_CHGTOL_C = 1e-12;

    public StepControl {
        if (!(maxStepPs >= MIN_MAX_STEP_PS && maxStepPs <= MAX_MAX_STEP_PS) || !(reltol >= MIN_RELTOL && reltol <= MAX_RELTOL)
                || !(trtol >= MIN_TRTOL && trtol <= MAX_TRTOL) || !(chgtolC >= MIN_CHGTOL_C && chgtolC <= MAX_CHGTOL_C)
                || method == null) {
            throw new IllegalArgumentException("step control out of range: " + this);
        }
    }

    /** The {@code .options} line the renderer writes for this setting. */
    public String optionsLine() {
        return ".options method=" + method.key() + " reltol=" + NetlistRenderer.num(reltol) + " trtol="
                + NetlistRenderer.num(trtol) + " chgtol=" + NetlistRenderer.num(chgtolC);
    }

    /** Short human form, e.g. {@code 50 ps trap reltol=1e-4 trtol=1 chgtol=1e-18}. */
    public String label() {
        return compact(maxStepPs) + " ps " + method.key() + " reltol=" + compact(reltol) + " trtol="
                + compact(trtol) + " chgtol=" + compact(chgtolC);
    }

    /** The rig-file form of this setting, for {@code simulator.step}. */
    public String yaml() {
        return "{max_ps: " + compact(maxStepPs) + ", method: " + method.key() + ", reltol: " + compact(reltol)
                + ", trtol: " + compact(trtol) + ", chgtol_c: " + compact(chgtolC) + "}";
    }

    /** A number as short as it reads: {@code 50}, {@code 0.0001}, {@code 1e-18}. */
    static String compact(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toString().toLowerCase(Locale.ROOT);
    }
}
