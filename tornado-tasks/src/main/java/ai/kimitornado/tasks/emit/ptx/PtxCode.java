package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.emit.ptx.PtxRegisters.Kind;

/**
 * The body being written: instruction lines, fresh temporaries and labels. Small helpers
 * ({@link #op}) keep multi-instruction lowerings (math, Java division) readable: each returns the
 * temporary holding its result.
 */
final class PtxCode {
    private final StringBuilder body = new StringBuilder();
    private final PtxRegisters registers;
    private int labels;

    PtxCode(PtxRegisters registers) {
        this.registers = registers;
    }

    PtxRegisters registers() {
        return registers;
    }

    /** One instruction (the trailing semicolon is added). */
    void line(String instruction) {
        body.append("  ").append(instruction).append(";\n");
    }

    void label(String label) {
        body.append(label).append(":\n");
    }

    void comment(String text) {
        body.append("  // ").append(text).append('\n');
    }

    /** A fresh label name with a readable stem. */
    String newLabel(String stem) {
        return "$L_" + stem + "_" + (++labels);
    }

    String temp(Kind kind) {
        return registers.temp(kind);
    }

    /** {@code opcode tmp, args...} into a fresh temporary of {@code kind}; returns the temporary. */
    String op(Kind kind, String opcode, String... args) {
        String dst = registers.temp(kind);
        line(opcode + " " + dst + ", " + String.join(", ", args));
        return dst;
    }

    String text() {
        return body.toString();
    }

    /** PTX immediate of a float (hex form: exact, no decimal rounding questions). */
    static String f32(float value) {
        return String.format("0f%08X", Float.floatToRawIntBits(value));
    }

    static String f64(double value) {
        return String.format("0d%016X", Double.doubleToRawLongBits(value));
    }
}
