package ai.kimitornado.tasks.jit.ir;

/**
 * Register types. Java boolean/byte/short/char live in I32 registers (narrowing is an explicit {@link ConvOp});
 * PRED is the result of a {@link Instr.Compare} and feeds branches, selects and NOT only.
 */
public enum Type {
    PRED, I32, I64, F32, F64;

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    public boolean isInt() {
        return this == I32 || this == I64;
    }

    public boolean isWide() {
        return this == I64 || this == F64;
    }
}
