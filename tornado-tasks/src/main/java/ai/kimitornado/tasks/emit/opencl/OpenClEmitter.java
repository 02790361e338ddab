package ai.kimitornado.tasks.emit.opencl;

import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.LocalArray;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.MathOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prints a {@link KernelIR} as OpenCL C (1.2): registers become variables declared at the top, blocks become
 * labels, branches become {@code goto}. Java semantics that C does not give for free (wrapping int arithmetic,
 * division by -1 and 0, saturating float-to-int, Math.min/max with NaN and signed zeros) go through small helper
 * functions printed only when used.
 */
public final class OpenClEmitter {
    private OpenClEmitter() {
    }

    /** Kernel source and the name of its {@code __kernel} function. */
    public record EmittedKernel(String entryName, String source) {
    }

    public static EmittedKernel emit(KernelIR ir) {
        return new Printer(ir).print();
    }

    /** Identifiers a kernel may not be named after (keywords and common builtins). */
    private static final Set<String> RESERVED = Set.of("kernel", "global", "local", "constant", "private", "auto",
            "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float",
            "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
            "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
            "bool", "half", "uchar", "ushort", "uint", "ulong", "size_t", "main", "exp", "log", "sqrt", "rsqrt", "pow",
            "tanh", "sin", "cos", "tan", "fabs", "abs", "min", "max", "floor", "ceil", "fma", "mad", "dot", "cross",
            "normalize", "length", "distance", "clamp", "mix", "step", "smoothstep", "sign", "select", "barrier",
            "fmin", "fmax", "fmod", "exp2", "log2", "erf", "round", "trunc", "atan", "atan2", "asin", "acos", "sinh",
            "cosh", "hypot", "rint", "copysign", "isnan", "isinf", "all", "any", "shuffle", "prefetch", "printf");

    private enum Helper { IDIV, IREM, LDIV, LREM, F2I, F2L, D2I, D2L, FMIN, FMAX, DMIN, DMAX, H2F, F2H, ATOMIC_ADD_F, MMA_BF16 }

    /** Fragment ints per work-item in the mma exchange (a0..a3, b0, b1). */
    private static final int MMA_INTS_PER_LANE = ai.kimitornado.tasks.api.MmaBf16Tile.INTS_PER_LANE;

    private static final class Printer {
        private final KernelIR ir;
        private final StringBuilder body = new StringBuilder();
        private final EnumSet<Helper> helpers = EnumSet.noneOf(Helper.class);
        private boolean longAtomics;

        Printer(KernelIR ir) {
            this.ir = ir;
        }

        EmittedKernel print() {
            String entry = ir.name();
            if (RESERVED.contains(entry) || entry.startsWith("kt_") || entry.startsWith("__")) {
                entry = entry + "_kernel";
            }
            StringBuilder sig = new StringBuilder("__kernel void ").append(entry).append('(');
            List<DeviceArg> args = ir.deviceArgs();
            for (int i = 0; i < args.size(); i++) {
                DeviceArg a = args.get(i);
                if (i > 0) {
                    sig.append(", ");
                }
                KernelParam p = ir.params().get(a.paramIndex());
                switch (a.kind()) {
                    case ARRAY -> sig.append("__global ").append(elemCType(p.elem())).append("* ").append(arrayName(p));
                    case SCALAR -> sig.append(cType(a.reg().type())).append(' ').append(reg(a.reg()));
                    case ARRAY_SIZE -> sig.append("int ").append(sizeName(p));
                }
            }
            sig.append(")");

            body.append(sig).append(" {\n");
            for (LocalArray la : ir.localArrays()) {
                body.append("  __local ").append(elemCType(la.elem())).append(' ').append(la.name())
                        .append('[').append(la.length()).append("];\n");
            }
            for (Reg r : ir.registers()) {
                body.append("  ").append(cType(r.type())).append(' ').append(reg(r)).append(";\n");
            }
            boolean mma = ir.usesMma(), shuffles = hasShuffles(ir);
            if (shuffles) {
                // warp shuffles exchange through local memory: one int per work-item, indexed by linear local id
                // (except where the build defines KT_NV_SHFL: NVIDIA's OpenCL takes PTX shfl.sync as inline asm)
                body.append("#ifndef KT_NV_SHFL\n");
                body.append("  __local int kt_warp[").append(KernelIR.MAX_WARP_GROUP).append("];\n");
                body.append(mma ? "#endif\n#if !defined(KT_NV_SHFL) || !defined(KT_NV_MMA)\n" : "");
                body.append("  int kt_lid = (int)(get_local_id(0) + get_local_size(0) * (get_local_id(1)")
                        .append(" + get_local_size(1) * get_local_id(2)));\n");
                body.append("#endif\n");
            }
            if (mma) {
                // mmaBf16 exchanges each work-item's six fragment ints through local memory (24 KiB), except where
                // the build defines KT_NV_MMA: NVIDIA's OpenCL (cc 8.0+) takes PTX mma.sync as inline asm
                helpers.add(Helper.MMA_BF16);
                body.append("#ifndef KT_NV_MMA\n");
                if (!shuffles) {
                    body.append("  int kt_lid = (int)(get_local_id(0) + get_local_size(0) * (get_local_id(1)")
                            .append(" + get_local_size(1) * get_local_id(2)));\n");
                }
                body.append("  __local int kt_mma[").append(KernelIR.MAX_WARP_GROUP * MMA_INTS_PER_LANE).append("];\n");
                body.append("  float4 kt_mma_d;\n");
                body.append("#endif\n");
            }
            Set<Block> targeted = new HashSet<>();
            List<Block> blocks = ir.blocks();
            for (int i = 0; i < blocks.size(); i++) {
                Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
                for (Block s : blocks.get(i).terminator().successors()) {
                    if (s != next || blocks.get(i).terminator() instanceof Terminator.Switch) {
                        targeted.add(s);
                    }
                }
                if (blocks.get(i).terminator() instanceof Terminator.Branch br) {
                    targeted.add(br.ifTrue());
                    targeted.add(br.ifFalse());
                }
            }
            for (int i = 0; i < blocks.size(); i++) {
                Block b = blocks.get(i);
                Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
                if (targeted.contains(b)) {
                    body.append(b.label()).append(":;\n");
                }
                for (Instr in : b.instrs()) {
                    body.append("  ");
                    instr(in);
                    body.append('\n');
                }
                terminator(b.terminator(), next);
            }
            body.append("}\n");

            StringBuilder src = new StringBuilder();
            src.append("// kimi-tornado ").append(KernelCompiler.JIT_VERSION).append(": ")
                    .append(ir.ref().displayName()).append(" (bytecode ").append(ir.bytecodeHash(), 0, 16).append(")\n");
            // Java rounds every operation separately: no a*b+c contraction into fma
            src.append("#pragma OPENCL FP_CONTRACT OFF\n");
            if (ir.usesFp64()) {
                src.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
            }
            if (longAtomics) {
                src.append("#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable\n");
            }
            for (Helper h : helpers) {
                src.append(helperSource(h));
            }
            src.append(body);
            return new EmittedKernel(entry, src.toString());
        }

        // ---------------------------------------------------------------- names and types

        private static String reg(Reg r) {
            return r.name() + "_" + r.id();
        }

        private static String arrayName(KernelParam p) {
            return p.name() + "_p" + p.index();
        }

        private static String sizeName(KernelParam p) {
            return p.name() + "_size" + p.index();
        }

        private static String cType(Type t) {
            return switch (t) {
                case PRED -> "bool";
                case I32 -> "int";
                case I64 -> "long";
                case F32 -> "float";
                case F64 -> "double";
            };
        }

        /** 16-bit float patterns are stored as shorts: the IR loads them sign-extended like a Java short. */
        private static String elemCType(ElemType e) {
            return switch (e) {
                case BYTE -> "char";
                case SHORT, HALF, BFLOAT16 -> "short";
                case INT -> "int";
                case LONG -> "long";
                case FLOAT -> "float";
                case DOUBLE -> "double";
            };
        }

        private String op(Operand o) {
            if (o instanceof Reg r) {
                return reg(r);
            }
            return constant((Const) o);
        }

        static String constant(Const c) {
            switch (c.type()) {
                case PRED -> {
                    return c.asPred() ? "1" : "0";
                }
                case I32 -> {
                    int v = c.asInt();
                    return v == Integer.MIN_VALUE ? "((int)0x80000000u)" : v < 0 ? "(" + v + ")" : Integer.toString(v);
                }
                case I64 -> {
                    long v = c.asLong();
                    return v == Long.MIN_VALUE ? "((long)0x8000000000000000ul)" : v < 0 ? "(" + v + "l)" : v + "l";
                }
                case F32 -> {
                    float f = c.asFloat();
                    if (Float.isNaN(f)) {
                        return "as_float(0x" + Integer.toHexString(c.asInt()) + "u)";
                    }
                    if (Float.isInfinite(f)) {
                        return f > 0 ? "INFINITY" : "(-INFINITY)";
                    }
                    String h = Float.toHexString(f) + "f";
                    return h.startsWith("-") ? "(" + h + ")" : h;
                }
                default -> {
                    double d = c.asDouble();
                    if (Double.isNaN(d)) {
                        return "as_double(0x" + Long.toHexString(c.asLong()) + "ul)";
                    }
                    if (Double.isInfinite(d)) {
                        return d > 0 ? "((double)INFINITY)" : "((double)-INFINITY)";
                    }
                    String h = Double.toHexString(d);
                    return h.startsWith("-") ? "(" + h + ")" : h;
                }
            }
        }

        private String array(ArrayRef a) {
            if (a.space() == ArrayRef.Space.LOCAL) {
                return ir.localArrays().get(a.index()).name();
            }
            return arrayName(ir.params().get(a.index()));
        }

        // ---------------------------------------------------------------- instructions

        private void instr(Instr in) {
            switch (in) {
                case Instr.Move m -> assign(m.dst(), op(m.src()));
                case Instr.Unary u -> assign(u.dst(), switch (u.op()) {
                    case NOT -> "!" + op(u.a());
                    case NEG -> switch (u.dst().type()) {
                        case I32 -> "(int)(0u - (uint)" + op(u.a()) + ")";
                        case I64 -> "(long)(0ul - (ulong)" + op(u.a()) + ")";
                        default -> "-" + op(u.a());
                    };
                });
                case Instr.Binary b -> assign(b.dst(), binary(b));
                case Instr.Compare c -> assign(c.dst(), op(c.a()) + " " + switch (c.op()) {
                    case EQ -> "=="; case NE -> "!="; case LT -> "<"; case LE -> "<="; case GT -> ">"; case GE -> ">=";
                } + " " + op(c.b()));
                case Instr.Select s -> assign(s.dst(), op(s.cond()) + " ? " + op(s.a()) + " : " + op(s.b()));
                case Instr.Convert c -> assign(c.dst(), convert(c));
                case Instr.MathCall m -> assign(m.dst(), math(m));
                case Instr.Load l -> assign(l.dst(), "(" + cType(l.dst().type()) + ")" + array(l.array()) + "[" + op(l.index()) + "]");
                // one 8-byte load: the index is a multiple of 4 elements, so the address is 8-byte aligned
                case Instr.LoadPacked l -> assign(l.dst(), "*(__global const long*)(" + array(l.array()) + " + ("
                        + op(l.index()) + "))");
                case Instr.Store s -> body.append(array(s.array())).append('[').append(op(s.index())).append("] = (")
                        .append(elemCType(s.array().elem())).append(')').append(op(s.value())).append(';');
                case Instr.AtomicAdd a -> {
                    String ptr = "&" + array(a.array()) + "[" + op(a.index()) + "]";
                    String call = switch (a.array().elem()) {
                        case INT -> "atomic_add(" + ptr + ", " + op(a.value()) + ")";
                        case LONG -> {
                            longAtomics = true;
                            yield "atom_add(" + ptr + ", " + op(a.value()) + ")";
                        }
                        case FLOAT -> {
                            helpers.add(Helper.ATOMIC_ADD_F);
                            yield "kt_atomic_add_f(" + ptr + ", " + op(a.value()) + ")";
                        }
                        default -> throw new IllegalArgumentException("atomicAdd on " + a.array().elem());
                    };
                    assign(a.dst(), call);
                }
                case Instr.ArrayLength l -> assign(l.dst(), sizeName(ir.params().get(l.array().index())));
                case Instr.WorkItem w -> assign(w.dst(), "(int)" + switch (w.builtin()) {
                    case GLOBAL_ID -> "get_global_id";
                    case LOCAL_ID -> "get_local_id";
                    case GROUP_ID -> "get_group_id";
                    case GLOBAL_SIZE -> "get_global_size";
                    case LOCAL_SIZE -> "get_local_size";
                } + "(" + w.dim() + ")");
                case Instr.WarpShuffle w -> warpShuffle(w);
                case Instr.MmaBf16 m -> mma(m);
                case Instr.Barrier b -> body.append(switch (b.fence()) {
                    case LOCAL -> "barrier(CLK_LOCAL_MEM_FENCE);";
                    case GLOBAL -> "barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);";
                });
            }
        }

        /**
         * Emulated shuffle (exact on every OpenCL device): publish, barrier, read the source lane, barrier (so the
         * next exchange cannot overwrite a value before every lane has read it). kt_lid's warp starts at
         * kt_lid & ~31 because group sizes are multiples of 32.
         */
        private void warpShuffle(Instr.WarpShuffle w) {
            boolean f = w.value().type() == Type.F32;
            String constraint = f ? "f" : "r";
            body.append("\n#ifdef KT_NV_SHFL\n  asm volatile(\"shfl.sync.").append(w.mode() == Ops.ShuffleMode.DOWN ? "down" : "bfly")
                    .append(".b32 %0, %1, %2, 0x1f, 0xffffffff;\" : \"=").append(constraint).append("\"(").append(reg(w.dst()))
                    .append(") : \"").append(constraint).append("\"(").append(op(w.value())).append("), \"r\"(")
                    .append(op(w.lane())).append("));\n#else\n  ");
            emulatedShuffle(w, f);
            body.append("\n#endif");
        }

        /**
         * mmaBf16: inline PTX mma.sync under KT_NV_MMA (NVIDIA, cc 8.0+), else the exact emulation: publish the six
         * fragment ints, barrier, compute this lane's four results (kt_mma_bf16, the documented fma order), barrier
         * (the next exchange must not overwrite fragments before every lane has read them).
         */
        private void mma(Instr.MmaBf16 m) {
            List<Operand> ab = new java.util.ArrayList<>(m.a());
            ab.addAll(m.b());
            body.append("\n#ifdef KT_NV_MMA\n  asm volatile(\"mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32")
                    .append(" {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\" : ");
            for (int e = 0; e < 4; e++) {
                body.append(e > 0 ? ", " : "").append("\"=f\"(").append(reg(m.d().get(e))).append(')');
            }
            body.append(" : ");
            for (int i = 0; i < ab.size(); i++) {
                body.append(i > 0 ? ", " : "").append("\"r\"(").append(op(ab.get(i))).append(')');
            }
            for (Operand c : m.c()) {
                body.append(", \"f\"(").append(op(c)).append(')');
            }
            body.append(");\n#else\n  ");
            for (int i = 0; i < ab.size(); i++) {
                body.append("kt_mma[kt_lid * ").append(MMA_INTS_PER_LANE).append(" + ").append(i).append("] = ")
                        .append(op(ab.get(i))).append("; ");
            }
            body.append("barrier(CLK_LOCAL_MEM_FENCE);\n  kt_mma_d = kt_mma_bf16(kt_mma, kt_lid");
            for (Operand c : m.c()) {
                body.append(", ").append(op(c));
            }
            body.append("); ");
            for (int e = 0; e < 4; e++) {
                assign(m.d().get(e), "kt_mma_d.s" + e);
                body.append(' ');
            }
            body.append("barrier(CLK_LOCAL_MEM_FENCE);\n#endif");
        }

        private static boolean hasShuffles(KernelIR ir) {
            for (Block b : ir.blocks()) {
                for (Instr i : b.instrs()) {
                    if (i instanceof Instr.WarpShuffle) {
                        return true;
                    }
                }
            }
            return false;
        }

        private void emulatedShuffle(Instr.WarpShuffle w, boolean f) {
            String lane = "(" + op(w.lane()) + " & 31)";
            String source = switch (w.mode()) {
                case DOWN -> "kt_lid + ((kt_lid & 31) + " + lane + " < 32 ? " + lane + " : 0)";
                case XOR -> "kt_lid ^ " + lane;
            };
            body.append("kt_warp[kt_lid] = ").append(f ? "as_int(" + op(w.value()) + ")" : op(w.value()))
                    .append("; barrier(CLK_LOCAL_MEM_FENCE); ");
            assign(w.dst(), f ? "as_float(kt_warp[" + source + "])" : "kt_warp[" + source + "]");
            body.append(" barrier(CLK_LOCAL_MEM_FENCE);");
        }

        private void assign(Reg dst, String expr) {
            body.append(reg(dst)).append(" = ").append(expr).append(';');
        }

        private String binary(Instr.Binary b) {
            String x = op(b.a()), y = op(b.b());
            Type t = b.dst().type();
            BinOp o = b.op();
            if (t.isFloat()) {
                return switch (o) {
                    case ADD -> x + " + " + y;
                    case SUB -> x + " - " + y;
                    case MUL -> x + " * " + y;
                    case DIV -> x + " / " + y;
                    case REM -> "fmod(" + x + ", " + y + ")";
                    default -> throw new IllegalArgumentException(o + " on " + t);
                };
            }
            boolean i32 = t == Type.I32;
            String s = i32 ? "int" : "long", u = i32 ? "uint" : "ulong", mask = i32 ? "31" : "63";
            if ((o == BinOp.SHL || o == BinOp.SHR || o == BinOp.USHR) && b.b() instanceof Const c) {
                // constant shift count: mask it here (Java semantics) and print it plainly
                y = Integer.toString(c.asInt() & (i32 ? 31 : 63));
                return switch (o) {
                    case SHL -> "(" + s + ")((" + u + ")" + x + " << " + y + ")";
                    case SHR -> x + " >> " + y;
                    default -> "(" + s + ")((" + u + ")" + x + " >> " + y + ")";
                };
            }
            return switch (o) {
                case ADD -> "(" + s + ")((" + u + ")" + x + " + (" + u + ")" + y + ")";
                case SUB -> "(" + s + ")((" + u + ")" + x + " - (" + u + ")" + y + ")";
                case MUL -> "(" + s + ")((" + u + ")" + x + " * (" + u + ")" + y + ")";
                case DIV -> {
                    helpers.add(i32 ? Helper.IDIV : Helper.LDIV);
                    yield (i32 ? "kt_idiv(" : "kt_ldiv(") + x + ", " + y + ")";
                }
                case REM -> {
                    helpers.add(i32 ? Helper.IREM : Helper.LREM);
                    yield (i32 ? "kt_irem(" : "kt_lrem(") + x + ", " + y + ")";
                }
                case AND -> x + " & " + y;
                case OR -> x + " | " + y;
                case XOR -> x + " ^ " + y;
                case SHL -> "(" + s + ")((" + u + ")" + x + " << (" + y + " & " + mask + "))";
                case SHR -> x + " >> (" + y + " & " + mask + ")";
                case USHR -> "(" + s + ")((" + u + ")" + x + " >> (" + y + " & " + mask + "))";
            };
        }

        private String convert(Instr.Convert c) {
            String a = op(c.src());
            return switch (c.op()) {
                case I2L -> "(long)" + a;
                case I2F, L2F, D2F -> "(float)" + a;
                case I2D, L2D, F2D -> "(double)" + a;
                case L2I -> "(int)" + a;
                case F2I -> helper(Helper.F2I, "kt_f2i", a);
                case F2L -> helper(Helper.F2L, "kt_f2l", a);
                case D2I -> helper(Helper.D2I, "kt_d2i", a);
                case D2L -> helper(Helper.D2L, "kt_d2l", a);
                case I2B -> "(int)(char)" + a;
                case I2S -> "(int)(short)" + a;
                case I2C -> "(int)(ushort)" + a;
                case F2BITS -> "as_int(" + a + ")";
                case BITS2F -> "as_float(" + a + ")";
                case D2BITS -> "as_long(" + a + ")";
                case BITS2D -> "as_double(" + a + ")";
                case HALF2F -> helper(Helper.H2F, "kt_h2f", a);
                case F2HALF -> helper(Helper.F2H, "kt_f2h", a);
            };
        }

        private String helper(Helper h, String fn, String... args) {
            helpers.add(h);
            return fn + "(" + String.join(", ", args) + ")";
        }

        private String math(Instr.MathCall m) {
            Type t = m.dst().type();
            String[] a = m.args().stream().map(this::op).toArray(String[]::new);
            if (t.isInt()) {
                String s = t == Type.I32 ? "int" : "long";
                return switch (m.op()) {
                    case ABS -> "(" + a[0] + " < 0 ? (" + s + ")(0" + (t == Type.I32 ? "u" : "ul") + " - ("
                            + (t == Type.I32 ? "uint" : "ulong") + ")" + a[0] + ") : " + a[0] + ")";
                    case MIN -> "min(" + a[0] + ", " + a[1] + ")";
                    case MAX -> "max(" + a[0] + ", " + a[1] + ")";
                    default -> throw new IllegalArgumentException(m.op() + " on " + t);
                };
            }
            boolean f = t == Type.F32;
            return switch (m.op()) {
                case MIN -> helper(f ? Helper.FMIN : Helper.DMIN, f ? "kt_fmin" : "kt_dmin", a);
                case MAX -> helper(f ? Helper.FMAX : Helper.DMAX, f ? "kt_fmax" : "kt_dmax", a);
                default -> builtin(m.op()) + "(" + String.join(", ", a) + ")";
            };
        }

        private static String builtin(MathOp op) {
            return switch (op) {
                case EXP -> "exp"; case LOG -> "log"; case SQRT -> "sqrt"; case RSQRT -> "rsqrt"; case POW -> "pow";
                case TANH -> "tanh"; case SIN -> "sin"; case COS -> "cos"; case ABS -> "fabs"; case FLOOR -> "floor";
                case CEIL -> "ceil"; case FMA -> "fma"; case MIN, MAX -> throw new IllegalStateException();
            };
        }

        // ---------------------------------------------------------------- control flow

        private void terminator(Terminator t, Block next) {
            switch (t) {
                case Terminator.Jump j -> {
                    if (j.target() != next) {
                        body.append("  goto ").append(j.target().label()).append(";\n");
                    }
                }
                case Terminator.Branch b -> {
                    String c = op(b.cond());
                    if (b.ifTrue() == next) {
                        body.append("  if (!").append(c).append(") goto ").append(b.ifFalse().label()).append(";\n");
                    } else {
                        body.append("  if (").append(c).append(") goto ").append(b.ifTrue().label()).append(";\n");
                        if (b.ifFalse() != next) {
                            body.append("  goto ").append(b.ifFalse().label()).append(";\n");
                        }
                    }
                }
                case Terminator.Switch s -> {
                    body.append("  switch (").append(op(s.value())).append(") {\n");
                    for (int k = 0; k < s.keys().length; k++) {
                        body.append("    case ").append(constant(Const.i32(s.keys()[k]))).append(": goto ")
                                .append(s.targets().get(k).label()).append(";\n");
                    }
                    body.append("    default: goto ").append(s.defaultTarget().label()).append(";\n  }\n");
                }
                case Terminator.Return r -> body.append("  return;\n");
            }
        }

        // ---------------------------------------------------------------- helpers

        private static String helperSource(Helper h) {
            return switch (h) {
                case IDIV -> "int kt_idiv(int a, int b) { return b == 0 ? 0 : (b == -1 ? (int)(0u - (uint)a) : a / b); }\n";
                case IREM -> "int kt_irem(int a, int b) { return (b == 0 || b == -1) ? 0 : a % b; }\n";
                case LDIV -> "long kt_ldiv(long a, long b) { return b == 0 ? 0 : (b == -1 ? (long)(0ul - (ulong)a) : a / b); }\n";
                case LREM -> "long kt_lrem(long a, long b) { return (b == 0 || b == -1) ? 0 : a % b; }\n";
                case F2I -> "int kt_f2i(float x) { return isnan(x) ? 0 : x >= 2147483648.0f ? 2147483647"
                        + " : x <= -2147483648.0f ? (int)0x80000000u : (int)x; }\n";
                case F2L -> "long kt_f2l(float x) { return isnan(x) ? 0 : x >= 9223372036854775808.0f ? 0x7fffffffffffffffl"
                        + " : x <= -9223372036854775808.0f ? (long)0x8000000000000000ul : (long)x; }\n";
                case D2I -> "int kt_d2i(double x) { return isnan(x) ? 0 : x >= 2147483647.0 ? 2147483647"
                        + " : x <= -2147483648.0 ? (int)0x80000000u : (int)x; }\n";
                case D2L -> "long kt_d2l(double x) { return isnan(x) ? 0 : x >= 9223372036854775808.0 ? 0x7fffffffffffffffl"
                        + " : x <= -9223372036854775808.0 ? (long)0x8000000000000000ul : (long)x; }\n";
                case FMIN -> "float kt_fmin(float a, float b) { if (isnan(a)) return a; if (isnan(b)) return b;"
                        + " if (a == b) return as_float(as_int(a) | as_int(b)); return a < b ? a : b; }\n";
                case FMAX -> "float kt_fmax(float a, float b) { if (isnan(a)) return a; if (isnan(b)) return b;"
                        + " if (a == b) return as_float(as_int(a) & as_int(b)); return a > b ? a : b; }\n";
                case DMIN -> "double kt_dmin(double a, double b) { if (isnan(a)) return a; if (isnan(b)) return b;"
                        + " if (a == b) return as_double(as_long(a) | as_long(b)); return a < b ? a : b; }\n";
                case DMAX -> "double kt_dmax(double a, double b) { if (isnan(a)) return a; if (isnan(b)) return b;"
                        + " if (a == b) return as_double(as_long(a) & as_long(b)); return a > b ? a : b; }\n";
                case H2F -> "float kt_h2f(int h) { ushort u = (ushort)h; return vload_half(0, (const half*)&u); }\n";
                case F2H -> "int kt_f2h(float f) { ushort u; vstore_half_rte(f, 0, (half*)&u); return (int)(short)u; }\n";
                // the exact mma emulation (KernelContext.mmaBf16): lanes 4g..4g+3 of the warp hold rows g, g+8 of A,
                // lanes 8t..8t+7 columns 2t, 2t+1 of B; d = fma(A[i][k], B[k][j], d) for k = 0..15
                // noinline: one copy of the 64-fma loop however many MMAs the kernel has (compilers that fully
                // unroll and inline it per call site blow up on tiled GEMMs: PoCL overflowed a 1 MiB JVM thread stack)
                case MMA_BF16 -> "__attribute__((noinline)) float4 kt_mma_bf16(__local const int* x, int lid, float c0, float c1, float c2, float c3) {\n"
                        + "  int lane = lid & 31, g = lane >> 2, t = lane & 3;\n"
                        + "  __local const int* ra = x + ((lid & ~31) + 4 * g) * 6;\n"
                        + "  __local const int* rb = x + ((lid & ~31) + 8 * t) * 6;\n"
                        + "  float d[4] = {c0, c1, c2, c3};\n"
                        + "  for (int e = 0; e < 4; e++) {\n"
                        + "    for (int k = 0; k < 16; k++) {\n"
                        + "      int q = (k & 7) >> 1, hk = k >> 3;\n"
                        + "      uint a = (uint)ra[q * 6 + (e >> 1) + 2 * hk];\n"
                        + "      uint b = (uint)rb[(4 * (e & 1) + q) * 6 + 4 + hk];\n"
                        + "      float fa = as_float((k & 1) ? (a & 0xffff0000u) : (a << 16));\n"
                        + "      float fb = as_float((k & 1) ? (b & 0xffff0000u) : (b << 16));\n"
                        + "      d[e] = fma(fa, fb, d[e]);\n"
                        + "    }\n"
                        + "  }\n"
                        + "  return (float4)(d[0], d[1], d[2], d[3]);\n"
                        + "}\n";
                case ATOMIC_ADD_F -> "float kt_atomic_add_f(volatile __global float* p, float v) {\n"
                        + "  volatile __global int* ip = (volatile __global int*)p;\n"
                        + "  int old = *ip;\n"
                        + "  while (1) {\n"
                        + "    int seen = atomic_cmpxchg(ip, old, as_int(as_float(old) + v));\n"
                        + "    if (seen == old) return as_float(old);\n"
                        + "    old = seen;\n"
                        + "  }\n"
                        + "}\n";
            };
        }
    }
}
