package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Ops.MathOp;
import ai.kimitornado.tasks.jit.ir.Type;

/**
 * Java's arithmetic in SPIR-V instructions, where the hardware's (C's) differs: integer division and
 * remainder never trap (x/0 = 0, MIN/-1 = MIN, x%0 = x%-1 = 0), shift counts are masked, float→int casts
 * saturate with NaN → 0, Math.min/max propagate NaN and order -0.0 below +0.0, fp16 narrowing rounds to
 * nearest even. Everything writes into the current block of {@code f}.
 */
final class JavaSemantics {
    private final SpirvFunction f;
    private final SpirvModule m;
    private final SpirvTypes t;

    JavaSemantics(SpirvFunction f, SpirvTypes types) {
        this.f = f;
        this.m = f.module();
        this.t = types;
    }

    private int intConst(Type type, long value) {
        return type == Type.I64 ? m.constantI64(value) : m.constantI32((int) value);
    }

    /** a / b with Java's results for b == 0 (0, the device cannot throw) and b == -1 (wrapping negation). */
    int divide(Type type, int a, int b) {
        int ty = t.of(type);
        int isZero = f.op(SpirvOp.IEqual, t.bool, b, intConst(type, 0));
        int isMinusOne = f.op(SpirvOp.IEqual, t.bool, b, intConst(type, -1));
        int special = f.op(SpirvOp.LogicalOr, t.bool, isZero, isMinusOne);
        int safeDivisor = f.op(SpirvOp.Select, ty, special, intConst(type, 1), b);
        int quotient = f.op(SpirvOp.SDiv, ty, a, safeDivisor);
        int negated = f.op(SpirvOp.SNegate, ty, a);
        int withMinusOne = f.op(SpirvOp.Select, ty, isMinusOne, negated, quotient);
        return f.op(SpirvOp.Select, ty, isZero, intConst(type, 0), withMinusOne);
    }

    /** a % b (sign of the dividend, like OpSRem), 0 for b == 0 and b == -1. */
    int remainder(Type type, int a, int b) {
        int ty = t.of(type);
        int isZero = f.op(SpirvOp.IEqual, t.bool, b, intConst(type, 0));
        int isMinusOne = f.op(SpirvOp.IEqual, t.bool, b, intConst(type, -1));
        int special = f.op(SpirvOp.LogicalOr, t.bool, isZero, isMinusOne);
        int safeDivisor = f.op(SpirvOp.Select, ty, special, intConst(type, 1), b);
        int rem = f.op(SpirvOp.SRem, ty, a, safeDivisor);
        return f.op(SpirvOp.Select, ty, special, intConst(type, 0), rem);
    }

    /** Shifts mask the I32 count by 31 or 63 and widen it to the shifted type's width. */
    int shift(int opcode, Type type, int value, int count) {
        int masked = f.op(SpirvOp.BitwiseAnd, t.i32, count, m.constantI32(type == Type.I64 ? 63 : 31));
        int widened = type == Type.I64 ? f.op(SpirvOp.UConvert, t.i64, masked) : masked;
        return f.op(opcode, t.of(type), value, widened);
    }

    int convert(ConvOp op, int value) {
        return switch (op) {
            case I2L -> f.op(SpirvOp.SConvert, t.i64, value);
            case L2I -> f.op(SpirvOp.UConvert, t.i32, value);
            case I2F, L2F -> f.op(SpirvOp.ConvertSToF, t.f32, value);
            case I2D, L2D -> f.op(SpirvOp.ConvertSToF, t.f64(), value);
            case F2I, D2I -> saturatingToInt(t.i32, value);
            case F2L, D2L -> saturatingToInt(t.i64, value);
            case F2D -> f.op(SpirvOp.FConvert, t.f64(), value);
            case D2F -> f.op(SpirvOp.FConvert, t.f32, value);
            case I2B -> signExtendLow(value, 8);
            case I2S -> signExtendLow(value, 16);
            case I2C -> f.op(SpirvOp.BitwiseAnd, t.i32, value, m.constantI32(0xFFFF));
            case F2BITS -> f.op(SpirvOp.Bitcast, t.i32, value);
            case BITS2F -> f.op(SpirvOp.Bitcast, t.f32, value);
            case D2BITS -> f.op(SpirvOp.Bitcast, t.i64, value);
            case BITS2D -> f.op(SpirvOp.Bitcast, t.f64(), value);
            case HALF2F -> halfToFloat(value);
            case F2HALF -> floatToHalf(value);
        };
    }

    /**
     * Java's (int)/(long) cast: round toward zero, saturate, NaN → 0. OpConvertFToS with the
     * SaturatedConversion decoration becomes OpenCL's convert_int_sat_rtz, which does exactly that.
     */
    private int saturatingToInt(int intType, int value) {
        int result = f.op(SpirvOp.ConvertFToS, intType, value);
        m.decorate(result, Spv.Decoration.SaturatedConversion);
        return result;
    }

    private int signExtendLow(int value, int bits) {
        int amount = m.constantI32(32 - bits);
        return f.op(SpirvOp.ShiftRightArithmetic, t.i32, f.op(SpirvOp.ShiftLeftLogical, t.i32, value, amount), amount);
    }

    /**
     * fp16 pattern (low 16 bits of an I32) → float through vload_half on a Function variable: only the
     * Float16Buffer capability is needed, so devices without cl_khr_fp16 (PoCL) take it.
     */
    private int halfToFloat(int bits) {
        int slot = f.variable(t.pointer(Spv.StorageClass.Function, t.i16()));
        f.storeAligned(slot, f.op(SpirvOp.UConvert, t.i16(), bits), 2);
        int asHalf = f.op(SpirvOp.Bitcast, t.pointer(Spv.StorageClass.Function, t.f16()), slot);
        return f.extInst(t.f32, OpenClStd.vload_half, m.constantI64(0), asHalf);
    }

    /** float → fp16 pattern, round to nearest even (vstore_half_r with RTE), sign-extended like a Java short. */
    private int floatToHalf(int value) {
        int slot = f.variable(t.pointer(Spv.StorageClass.Function, t.i16()));
        int asHalf = f.op(SpirvOp.Bitcast, t.pointer(Spv.StorageClass.Function, t.f16()), slot);
        f.extInst(t.voidType, OpenClStd.vstore_half_r, value, m.constantI64(0), asHalf, Spv.ROUNDING_RTE);
        return f.op(SpirvOp.SConvert, t.i32, f.loadAligned(t.i16(), slot, 2));
    }

    int math(MathOp op, Type type, int[] args) {
        int ty = t.of(type);
        if (type.isInt()) {
            return switch (op) {
                // not OpenCL.std s_abs: drivers lower it to llvm.abs with INT_MIN as poison, Java wants INT_MIN
                case ABS -> f.op(SpirvOp.Select, ty, f.op(SpirvOp.SLessThan, t.bool, args[0], intConst(type, 0)),
                        f.op(SpirvOp.SNegate, ty, args[0]), args[0]);
                case MIN -> f.extInst(ty, OpenClStd.s_min, args[0], args[1]);
                case MAX -> f.extInst(ty, OpenClStd.s_max, args[0], args[1]);
                default -> throw new IllegalArgumentException("math " + op + " on " + type);
            };
        }
        return switch (op) {
            case EXP -> f.extInst(ty, OpenClStd.exp, args[0]);
            case LOG -> f.extInst(ty, OpenClStd.log, args[0]);
            case SQRT -> f.extInst(ty, OpenClStd.sqrt, args[0]);
            case RSQRT -> f.extInst(ty, OpenClStd.rsqrt, args[0]);
            case POW -> f.extInst(ty, OpenClStd.pow, args[0], args[1]);
            case TANH -> f.extInst(ty, OpenClStd.tanh, args[0]);
            case SIN -> f.extInst(ty, OpenClStd.sin, args[0]);
            case COS -> f.extInst(ty, OpenClStd.cos, args[0]);
            case ABS -> f.extInst(ty, OpenClStd.fabs, args[0]);
            case FLOOR -> f.extInst(ty, OpenClStd.floor, args[0]);
            case CEIL -> f.extInst(ty, OpenClStd.ceil, args[0]);
            case FMA -> f.extInst(ty, OpenClStd.fma, args[0], args[1], args[2]);
            case MIN -> javaMinMax(type, args[0], args[1], true);
            case MAX -> javaMinMax(type, args[0], args[1], false);
        };
    }

    /**
     * Math.min/max on floats: NaN if either operand is NaN (fmin/fmax would return the other one), and
     * for equal operands (only ±0 differ) the bitwise OR (min: -0.0 wins) or AND (max: +0.0 wins).
     */
    private int javaMinMax(Type type, int a, int b, boolean min) {
        int ty = t.of(type);
        int bitsType = type == Type.F64 ? t.i64 : t.i32;
        int chosen = f.extInst(ty, min ? OpenClStd.fmin : OpenClStd.fmax, a, b);
        int equal = f.op(SpirvOp.FOrdEqual, t.bool, a, b);
        int combinedBits = f.op(min ? SpirvOp.BitwiseOr : SpirvOp.BitwiseAnd, bitsType,
                f.op(SpirvOp.Bitcast, bitsType, a), f.op(SpirvOp.Bitcast, bitsType, b));
        int signed = f.op(SpirvOp.Select, ty, equal, f.op(SpirvOp.Bitcast, ty, combinedBits), chosen);
        int unordered = f.op(SpirvOp.LogicalOr, t.bool, f.op(SpirvOp.IsNan, t.bool, a), f.op(SpirvOp.IsNan, t.bool, b));
        return f.op(SpirvOp.Select, ty, unordered, f.op(SpirvOp.FAdd, ty, a, b), signed);
    }
}
