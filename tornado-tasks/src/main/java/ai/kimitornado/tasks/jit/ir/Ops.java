package ai.kimitornado.tasks.jit.ir;

/** Operation codes. Semantics are Java's unless stated; emitters must reproduce them exactly. */
public final class Ops {
    private Ops() {
    }

    /** NEG: arithmetic negation (ints wrap). NOT: logical not of a PRED. */
    public enum UnOp { NEG, NOT }

    /**
     * Binary arithmetic on two operands of the destination's type, except shifts whose count is always I32.
     * Ints wrap on overflow. DIV truncates toward zero; MIN/-1 = MIN; x/0 = 0 (the device cannot throw).
     * REM: sign of the dividend; x%-1 = 0; x%0 = 0. Float REM is C fmod. SHL/SHR/USHR mask the count by 31
     * (I32) or 63 (I64); SHR is arithmetic, USHR logical. AND/OR/XOR are bitwise on ints.
     */
    public enum BinOp { ADD, SUB, MUL, DIV, REM, AND, OR, XOR, SHL, SHR, USHR }

    /** Comparison to PRED with C semantics: on floats every comparison with a NaN is false except NE (true). */
    public enum CmpOp {
        EQ, NE, LT, LE, GT, GE;

        public CmpOp negate() {
            return switch (this) {
                case EQ -> NE; case NE -> EQ; case LT -> GE; case GE -> LT; case GT -> LE; case LE -> GT;
            };
        }

        public CmpOp swap() {
            return switch (this) {
                case EQ -> EQ; case NE -> NE; case LT -> GT; case GT -> LT; case LE -> GE; case GE -> LE;
            };
        }
    }

    /**
     * Conversions. F2I/F2L/D2I/D2L are Java's: round toward zero, saturate, NaN → 0. I2F etc. round to
     * nearest even. I2B/I2S sign-extend the low 8/16 bits, I2C zero-extends the low 16 bits. F2BITS/BITS2F and
     * D2BITS/BITS2D reinterpret raw bits. HALF2F widens the low 16 bits (an IEEE fp16 pattern) of an I32 to F32;
     * F2HALF narrows F32 to fp16 (round to nearest even) and returns the pattern sign-extended to I32 (a Java
     * short).
     */
    public enum ConvOp {
        I2L, I2F, I2D, L2I, L2F, L2D, F2I, F2L, F2D, D2I, D2L, D2F, I2B, I2S, I2C,
        F2BITS, BITS2F, D2BITS, BITS2D, HALF2F, F2HALF
    }

    /**
     * Math builtins on the destination type (F32 or F64; ABS/MIN/MAX also on I32/I64). MIN/MAX on floats follow
     * Java: NaN if either is NaN, -0.0 < +0.0. RSQRT = 1/sqrt. FMA = a*b+c rounded once. POW/MIN/MAX take two
     * operands, FMA three, the rest one.
     */
    public enum MathOp { EXP, LOG, SQRT, RSQRT, POW, TANH, SIN, COS, ABS, MIN, MAX, FLOOR, CEIL, FMA }

    /** Work-item builtins, all I32: get_global_id, get_local_id, get_group_id, get_global_size, get_local_size. */
    public enum Builtin { GLOBAL_ID, LOCAL_ID, GROUP_ID, GLOBAL_SIZE, LOCAL_SIZE }

    /** LOCAL: barrier with local-memory fence; GLOBAL: barrier with global (and local) memory fence. */
    public enum Fence { LOCAL, GLOBAL }

    /**
     * Warp shuffles (warp = 32 consecutive work-items in linear local-id order; only the low 5 bits of the lane
     * operand count, as in PTX). DOWN: the value of lane + delta when that is < 32, else the caller's own value.
     * XOR: the value of lane ^ mask.
     */
    public enum ShuffleMode { DOWN, XOR }
}
