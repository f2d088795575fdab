package org.tileloop.rig;

/**
 * One stimulus input: a pulse source whose level is a rig parameter.
 *
 * @param source the driving source's name (e.g. {@code V_PRE0})
 * @param node the node it drives
 * @param amplitudeParameter the parameter giving the pulse level
 */
public record InputSpec(String name, String source, String node, String amplitudeParameter,
                        double riseNs, double widthNs) {
}
