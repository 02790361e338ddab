package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.Val.Arr;
import ai.kimitornado.tasks.jit.Val.Ctx;
import ai.kimitornado.tasks.jit.Val.Prim;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Ops.Fence;
import ai.kimitornado.tasks.jit.ir.Ops.MathOp;
import ai.kimitornado.tasks.jit.ir.Ops.ShuffleMode;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Type;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calls the JIT maps to IR instead of inlining: math, bit reinterpretation, fp16 conversion, KernelContext,
 * and the kernel-side methods of the off-heap arrays.
 */
final class Intrinsics {
    private Intrinsics() {
    }

    /** Returned when a call is not an intrinsic (null means a void intrinsic). */
    static final Val NOT_INTRINSIC = new Val.Top();

    private static final String MATH = "java/lang/Math";
    private static final String STRICT_MATH = "java/lang/StrictMath";
    private static final String TORNADO_MATH = "ai/kimitornado/tasks/math/TornadoMath";
    private static final String FLOAT16 = "ai/kimitornado/tasks/types/Float16";
    private static final String BFLOAT16 = "ai/kimitornado/tasks/types/BFloat16";
    private static final String CONTEXT = "ai/kimitornado/tasks/api/KernelContext";
    private static final String ARRAYS = "ai/kimitornado/tasks/types/arrays/";

    private static final Map<String, MathOp> MATH_OPS = Map.ofEntries(
            Map.entry("exp", MathOp.EXP), Map.entry("log", MathOp.LOG), Map.entry("sqrt", MathOp.SQRT),
            Map.entry("rsqrt", MathOp.RSQRT), Map.entry("pow", MathOp.POW), Map.entry("tanh", MathOp.TANH),
            Map.entry("sin", MathOp.SIN), Map.entry("cos", MathOp.COS), Map.entry("abs", MathOp.ABS),
            Map.entry("min", MathOp.MIN), Map.entry("max", MathOp.MAX), Map.entry("floor", MathOp.FLOOR),
            Map.entry("ceil", MathOp.CEIL), Map.entry("fma", MathOp.FMA));

    /** JDK classes: never inlined; a call that is not an intrinsic is rejected. */
    static boolean isPlatformClass(String owner) {
        return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("com/sun/")
                // host-side API of this runtime: allocating arrays, building graphs, ...
                || owner.startsWith(ARRAYS) || owner.startsWith("ai/kimitornado/tasks/api/")
                || owner.startsWith("ai/kimitornado/tasks/runtime/") || owner.startsWith("ai/kimitornado/tasks/backend/");
    }

    static Val callStatic(MethodTranslator t, String owner, String name, MethodTypeDesc mt, List<Val> args) {
        KernelBuilder kb = t.kb;
        switch (owner) {
            case MATH, STRICT_MATH, TORNADO_MATH -> {
                MathOp op = MATH_OPS.get(name);
                if (op == null || (op == MathOp.RSQRT && !owner.equals(TORNADO_MATH))) {
                    return NOT_INTRINSIC;
                }
                Type rt = type(mt.returnType());
                if (rt == null || (!rt.isFloat() && op != MathOp.ABS && op != MathOp.MIN && op != MathOp.MAX)) {
                    return NOT_INTRINSIC;
                }
                List<Operand> ops = new ArrayList<>();
                for (Val v : args) {
                    Operand o = prim(t, v, "Math." + name);
                    if (o.type() != rt) {
                        return NOT_INTRINSIC;
                    }
                    ops.add(o);
                }
                Reg r = kb.newReg(rt, null);
                kb.emit(new Instr.MathCall(r, op, ops));
                return new Prim(r, null);
            }
            case "java/lang/Float", "java/lang/Double" -> {
                return bits(t, name, args, owner.endsWith("Float"));
            }
            case FLOAT16 -> {
                return switch (name) {
                    case "toFloat" -> convert(t, ConvOp.HALF2F, Type.F32, prim(t, args.get(0), name));
                    case "fromFloat" -> convert(t, ConvOp.F2HALF, Type.I32, prim(t, args.get(0), name));
                    default -> NOT_INTRINSIC;
                };
            }
            default -> {
                return NOT_INTRINSIC;
            }
        }
    }

    private static Val bits(MethodTranslator t, String name, List<Val> args, boolean isFloat) {
        KernelBuilder kb = t.kb;
        Operand a = args.isEmpty() ? null : prim(t, args.get(0), name);
        switch (name) {
            case "floatToRawIntBits", "doubleToRawLongBits" -> {
                return convert(t, isFloat ? ConvOp.F2BITS : ConvOp.D2BITS, isFloat ? Type.I32 : Type.I64, a);
            }
            case "intBitsToFloat", "longBitsToDouble" -> {
                return convert(t, isFloat ? ConvOp.BITS2F : ConvOp.BITS2D, isFloat ? Type.F32 : Type.F64, a);
            }
            case "floatToIntBits", "doubleToLongBits" -> {
                // canonical NaN
                Type it = isFloat ? Type.I32 : Type.I64;
                Prim raw = (Prim) convert(t, isFloat ? ConvOp.F2BITS : ConvOp.D2BITS, it, a);
                Reg nan = kb.newReg(Type.PRED, null);
                kb.emit(new Instr.Compare(nan, CmpOp.NE, a, a));
                Reg r = kb.newReg(it, null);
                kb.emit(new Instr.Select(r, nan, isFloat ? Const.i32(0x7fc00000) : Const.i64(0x7ff8000000000000L), raw.op()));
                return new Prim(r, null);
            }
            case "isNaN" -> {
                Reg p = kb.newReg(Type.PRED, null);
                kb.emit(new Instr.Compare(p, CmpOp.NE, a, a));
                return bool(kb, p);
            }
            case "isInfinite" -> {
                Reg abs = kb.newReg(a.type(), null);
                kb.emit(new Instr.MathCall(abs, MathOp.ABS, List.of(a)));
                Reg p = kb.newReg(Type.PRED, null);
                kb.emit(new Instr.Compare(p, CmpOp.EQ, abs,
                        isFloat ? Const.f32(Float.POSITIVE_INFINITY) : Const.f64(Double.POSITIVE_INFINITY)));
                return bool(kb, p);
            }
            case "float16ToFloat" -> {
                return isFloat ? convert(t, ConvOp.HALF2F, Type.F32, a) : NOT_INTRINSIC;
            }
            case "floatToFloat16" -> {
                return isFloat ? convert(t, ConvOp.F2HALF, Type.I32, a) : NOT_INTRINSIC;
            }
            default -> {
                return NOT_INTRINSIC;
            }
        }
    }

    private static Val bool(KernelBuilder kb, Reg pred) {
        Reg r = kb.newReg(Type.I32, null);
        kb.emit(new Instr.Select(r, pred, Const.i32(1), Const.i32(0)));
        return new Prim(r, null);
    }

    private static Val convert(MethodTranslator t, ConvOp op, Type to, Operand a) {
        Reg r = t.kb.newReg(to, null);
        t.kb.emit(new Instr.Convert(r, op, a));
        return new Prim(r, null);
    }

    private static Operand prim(MethodTranslator t, Val v, String call) {
        if (v instanceof Prim p) {
            return p.op();
        }
        throw t.error(t.currentInsn(), "argument of " + call + " is not a primitive");
    }

    private static Type type(ClassDesc d) {
        return switch (d.descriptorString()) {
            case "I", "Z", "B", "S", "C" -> Type.I32;
            case "J" -> Type.I64;
            case "F" -> Type.F32;
            case "D" -> Type.F64;
            default -> null;
        };
    }

    static Val callVirtual(MethodTranslator t, Val receiver, String owner, String name, MethodTypeDesc mt,
                           List<Val> args) {
        if (receiver instanceof Ctx && owner.equals(CONTEXT)) {
            return context(t, name, args);
        }
        if (owner.startsWith(ARRAYS)) {
            return array(t, t.arrayOf(receiver, MethodBody.simpleName(owner) + "." + name), owner, name, args);
        }
        return NOT_INTRINSIC;
    }

    private static Val context(MethodTranslator t, String name, List<Val> args) {
        KernelBuilder kb = t.kb;
        kb.usesContext = true;
        switch (name) {
            case "localBarrier", "globalBarrier" -> {
                kb.usesBarriers = true;
                kb.emit(new Instr.Barrier(name.startsWith("local") ? Fence.LOCAL : Fence.GLOBAL));
                return null;
            }
            case "allocateFloatLocalArray", "allocateIntLocalArray", "allocateLongLocalArray",
                 "allocateDoubleLocalArray", "allocateByteLocalArray", "allocateHalfFloatLocalArray" -> {
                ElemType e = switch (name) {
                    case "allocateFloatLocalArray" -> ElemType.FLOAT;
                    case "allocateIntLocalArray" -> ElemType.INT;
                    case "allocateLongLocalArray" -> ElemType.LONG;
                    case "allocateDoubleLocalArray" -> ElemType.DOUBLE;
                    case "allocateByteLocalArray" -> ElemType.BYTE;
                    default -> ElemType.HALF;
                };
                if (!(args.get(0) instanceof Prim p) || !(p.op() instanceof Const c) || c.asInt() <= 0) {
                    throw t.error(t.currentInsn(), name + " needs a positive compile-time constant length"
                            + " (a literal or a static final int)");
                }
                LocalArray la = new LocalArray(kb.localArrays.size(), e, c.asInt());
                kb.localArrays.add(la);
                return new Arr(new ArrayRef(ArrayRef.Space.LOCAL, e, la.index(), la.length()));
            }
            case "atomicAdd" -> {
                ArrayRef ref = t.arrayOf(args.get(0), "atomicAdd");
                Operand index = prim(t, args.get(1), name);
                Operand value = prim(t, args.get(2), name);
                kb.usesAtomics = true;
                Reg r = kb.newReg(ref.elem().registerType(), null);
                kb.emit(new Instr.AtomicAdd(r, ref, index, value));
                return new Prim(r, null);
            }
            case "shuffleDown", "shuffleXor", "warpSum", "warpMax" -> {
                Operand value = prim(t, args.get(0), name);
                if (value.type() != Type.I32 && value.type() != Type.F32) {
                    throw t.error(t.currentInsn(), "KernelContext." + name + " on " + value.type() + " (int and float only)");
                }
                kb.usesBarriers = true; // the local-memory emulations synchronise the group; the JVM blocks there
                if (!name.startsWith("warp")) {
                    Reg r = kb.newReg(value.type(), null);
                    kb.emit(new Instr.WarpShuffle(r, name.equals("shuffleDown") ? ShuffleMode.DOWN : ShuffleMode.XOR,
                            value, prim(t, args.get(1), name)));
                    return new Prim(r, null);
                }
                // fixed xor butterfly: every lane adds the same pairs in the same order, so all get the same bits
                Operand acc = value;
                for (int offset = KernelContext.WARP_SIZE / 2; offset > 0; offset >>= 1) {
                    Reg other = kb.newReg(value.type(), null);
                    kb.emit(new Instr.WarpShuffle(other, ShuffleMode.XOR, acc, Const.i32(offset)));
                    Reg combined = kb.newReg(value.type(), null);
                    kb.emit(name.equals("warpSum") ? new Instr.Binary(combined, BinOp.ADD, acc, other)
                            : new Instr.MathCall(combined, MathOp.MAX, List.of(acc, other)));
                    acc = combined;
                }
                return new Prim(acc, null);
            }
            case "mmaBf16" -> {
                return mma(t, args);
            }
            case "mmaResult" -> {
                return mmaResult(t, args);
            }
            default -> throw t.error(t.currentInsn(), "KernelContext." + name + " is not available in kernels");
        }
    }

    /**
     * {@code ctx.mmaBf16(a0..a3, b0, b1, c0..c3)}: one {@link Instr.MmaBf16} with four fresh F32 results, which
     * {@code ctx.mmaResult(e)} then names. A warp operation: the same launch rules and (emulated) barriers.
     */
    private static Val mma(MethodTranslator t, List<Val> args) {
        KernelBuilder kb = t.kb;
        List<Operand> ops = new ArrayList<>();
        for (Val v : args) {
            ops.add(prim(t, v, "KernelContext.mmaBf16"));
        }
        kb.usesBarriers = true; // the local-memory emulations synchronise the group; the JVM blocks there
        List<Reg> d = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            d.add(kb.newReg(Type.F32, "mma"));
        }
        Instr.MmaBf16 mma = new Instr.MmaBf16(d, ops.subList(0, 4), ops.subList(4, 6), ops.subList(6, 10));
        kb.emit(mma);
        kb.lastMma = mma;
        kb.lastMmaBlock = kb.current;
        return null;
    }

    /** {@code ctx.mmaResult(e)}: result register e (a constant 0..3) of the closest mmaBf16 in the same block. */
    private static Val mmaResult(MethodTranslator t, List<Val> args) {
        KernelBuilder kb = t.kb;
        if (!(args.get(0) instanceof Prim p) || !(p.op() instanceof Const c) || c.asInt() < 0 || c.asInt() > 3) {
            throw t.error(t.currentInsn(), "KernelContext.mmaResult needs a compile-time constant element 0..3"
                    + (args.get(0) instanceof Prim p && p.op() instanceof Const c ? " (got " + c.asInt() + ")" : ""));
        }
        if (kb.lastMma == null || kb.lastMmaBlock != kb.current) {
            throw t.error(t.currentInsn(), "KernelContext.mmaResult without a preceding mmaBf16 in the same basic"
                    + " block (read the four results after the mmaBf16 with no branch or loop edge between; an mmaBf16 in a"
                    + " helper is read in that helper)");
        }
        return new Prim(kb.lastMma.d().get(c.asInt()), null);
    }

    private static Val array(MethodTranslator t, ArrayRef ref, String owner, String name, List<Val> args) {
        KernelBuilder kb = t.kb;
        boolean sixteen = ref.elem() == ElemType.HALF || ref.elem() == ElemType.BFLOAT16;
        switch (name) {
            case "getSize" -> {
                kb.arraysNeedingSize.add(ref.index());
                Reg r = kb.newReg(Type.I32, null);
                kb.emit(new Instr.ArrayLength(r, ref));
                HostExpr h = new HostExpr.ArraySize(ref.index(), kb.paramNames.get(ref.index()));
                return new Prim(r, h);
            }
            case "get", "getBits" -> {
                if (sixteen != name.equals("getBits")) {
                    break;
                }
                Reg r = kb.newReg(ref.elem().registerType(), null);
                kb.emit(new Instr.Load(r, ref, prim(t, args.get(0), name)));
                return new Prim(r, null);
            }
            case "getBits4" -> {
                if (!sixteen || ref.space() != ArrayRef.Space.GLOBAL) {
                    break;
                }
                Operand index = prim(t, args.get(0), name);
                if (index instanceof Const c && (c.asInt() & 3) != 0) {
                    throw t.error(t.currentInsn(), MethodBody.simpleName(owner) + ".getBits4(" + c.asInt()
                            + "): the index must be a multiple of 4 (one aligned 8-byte load)");
                }
                kb.packedLoadSites.putIfAbsent(ref.index(), t.error(t.currentInsn(), MethodBody.simpleName(owner)
                        + ".getBits4 on '" + kb.paramNames.get(ref.index()) + "', which the kernel also writes"
                        + " (wide loads are for arrays the kernel only reads, e.g. weights)"));
                Reg r = kb.newReg(Type.I64, null);
                kb.emit(new Instr.LoadPacked(r, ref, index));
                return new Prim(r, null);
            }
            case "set", "setBits" -> {
                if (sixteen != name.equals("setBits")) {
                    break;
                }
                kb.emit(new Instr.Store(ref, prim(t, args.get(0), name), prim(t, args.get(1), name)));
                return null;
            }
            case "getFloat" -> {
                if (!sixteen) {
                    break;
                }
                Reg bitsReg = kb.newReg(Type.I32, null);
                kb.emit(new Instr.Load(bitsReg, ref, prim(t, args.get(0), name)));
                if (ref.elem() == ElemType.HALF) {
                    return convert(t, ConvOp.HALF2F, Type.F32, bitsReg);
                }
                return t.inline(BFLOAT16, "toFloat", "(S)F", List.of(new Prim(bitsReg, null)));
            }
            case "setFloat" -> {
                if (!sixteen) {
                    break;
                }
                Operand index = prim(t, args.get(0), name);
                Operand value = prim(t, args.get(1), name);
                Val bits = ref.elem() == ElemType.HALF ? convert(t, ConvOp.F2HALF, Type.I32, value)
                        : t.inline(BFLOAT16, "fromFloat", "(F)S", List.of(new Prim(value, null)));
                kb.emit(new Instr.Store(ref, index, ((Prim) bits).op()));
                return null;
            }
            default -> { }
        }
        throw t.error(t.currentInsn(), MethodBody.simpleName(owner) + "." + name
                + " is host-side only (kernels use get/set/getSize, and getFloat/setFloat/getBits/setBits/getBits4 on 16-bit arrays)");
    }
}
