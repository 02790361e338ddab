package ai.kimitornado.tasks.jit.ir;

/**
 * A constant. {@code bits}: the value for I32 (sign-extended)/I64/PRED (0 or 1), the raw IEEE bits for F32
 * ({@link Float#floatToRawIntBits}) and F64 ({@link Double#doubleToRawLongBits}).
 */
public record Const(Type type, long bits) implements Operand {
    public static Const i32(int v) {
        return new Const(Type.I32, v);
    }

    public static Const i64(long v) {
        return new Const(Type.I64, v);
    }

    public static Const f32(float v) {
        return new Const(Type.F32, Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
    }

    public static Const f64(double v) {
        return new Const(Type.F64, Double.doubleToRawLongBits(v));
    }

    public static Const pred(boolean v) {
        return new Const(Type.PRED, v ? 1 : 0);
    }

    public int asInt() {
        return (int) bits;
    }

    public long asLong() {
        return bits;
    }

    public float asFloat() {
        return Float.intBitsToFloat((int) bits);
    }

    public double asDouble() {
        return Double.longBitsToDouble(bits);
    }

    public boolean asPred() {
        return bits != 0;
    }

    @Override
    public String toString() {
        return switch (type) {
            case PRED -> Boolean.toString(asPred());
            case I32 -> Integer.toString(asInt());
            case I64 -> bits + "L";
            case F32 -> asFloat() + "f";
            case F64 -> asDouble() + "d";
        };
    }
}
