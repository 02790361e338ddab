package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.emit.ptx.PtxRegisters.Kind;
import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelCompilationException;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.LocalArray;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.Builtin;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Ops.MathOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link KernelIR} as a PTX module: one {@code .entry}, a virtual register per IR register,
 * predicates and {@code bra} for control flow, {@code .shared} arrays for work-group local memory.
 * Java semantics are kept where PTX differs: float arithmetic carries {@code .rn} so ptxas never
 * contracts a*b+c into an fma, integer division by zero gives 0, shift counts are masked,
 * float→int conversions saturate with NaN → 0. Thread-safe (no shared state).
 */
public final class PtxEmitter {
    /** Part of kernel cache keys: bump when emitted PTX changes meaning or quality. */
    public static final String VERSION = "ptx-1";

    private PtxEmitter() {
    }

    /** Emits {@code ir} for {@code target}; throws {@link KernelCompilationException} for what PTX cannot express. */
    public static PtxKernel emit(KernelIR ir, PtxTarget target) {
        return emit(ir, target, true);
    }

    /**
     * @param readOnlyCache load arrays the kernel never writes with {@code ld.global.nc} (the read-only
     *                      data cache); pass false when such an array may alias one the kernel writes
     *                      (the same buffer bound to two parameters), where .nc would read stale data
     */
    public static PtxKernel emit(KernelIR ir, PtxTarget target, boolean readOnlyCache) {
        return new Writer(ir, target, readOnlyCache).write();
    }

    private static final class Writer {
        private final KernelIR ir;
        private final PtxTarget target;
        private final PtxRegisters registers = new PtxRegisters();
        private final PtxCode code = new PtxCode(registers);
        private final PtxMath math = new PtxMath(code);
        private final Map<Integer, String> globalBase = new HashMap<>(); // Java param index → %trd holding its address
        private final Map<Integer, String> arraySize = new HashMap<>();  // Java param index → %tr holding its length
        private final Map<Integer, String> localBase = new HashMap<>();  // local array index → %tr shared address
        private final Map<Integer, KernelParam> params = new HashMap<>();
        private final String entry;
        private final boolean readOnlyCache;

        Writer(KernelIR ir, PtxTarget target, boolean readOnlyCache) {
            this.ir = ir;
            this.target = target;
            this.readOnlyCache = readOnlyCache;
            this.entry = identifier(ir.name());
            for (KernelParam p : ir.params()) {
                params.put(p.index(), p);
            }
        }

        PtxKernel write() {
            StringBuilder signature = new StringBuilder();
            prologue(signature);
            List<Block> blocks = ir.blocks();
            for (int i = 0; i < blocks.size(); i++) {
                Block block = blocks.get(i);
                code.label(label(block));
                for (Instr instr : block.instrs()) {
                    instruction(instr);
                }
                terminator(block.terminator(), i + 1 < blocks.size() ? blocks.get(i + 1) : null);
            }
            StringBuilder module = new StringBuilder();
            module.append("// ").append(ir.ref() != null ? ir.ref().owner().getName() + "." + ir.ref().methodName() : ir.name())
                    .append(" (bytecode ").append(shortHash()).append(") emitted by kimi-tornado PtxEmitter\n");
            module.append(target.header()).append('\n');
            module.append(".visible .entry ").append(entry).append("(").append(signature).append(")\n{\n");
            module.append(registers.declarations());
            for (LocalArray local : ir.localArrays()) {
                module.append("  .shared .align 8 .b8 ").append(local.name()).append('[')
                        .append((long) local.length() * local.elem().bytes()).append("];\n");
            }
            module.append(code.text()).append("}\n");
            return new PtxKernel(entry, module.toString(), target);
        }

        private String shortHash() {
            String h = ir.bytecodeHash();
            return h == null ? "?" : h.substring(0, Math.min(12, h.length()));
        }

        // ---- signature and prologue -----------------------------------------------------------------

        private void prologue(StringBuilder signature) {
            List<DeviceArg> args = ir.deviceArgs();
            for (int i = 0; i < args.size(); i++) {
                DeviceArg arg = args.get(i);
                String name = "arg" + i + "_" + identifier(arg.name());
                if (i > 0) {
                    signature.append(",\n    ");
                }
                switch (arg.kind()) {
                    case ARRAY -> {
                        signature.append(".param .u64 ").append(name);
                        String raw = code.temp(Kind.B64);
                        code.line("ld.param.u64 " + raw + ", [" + name + "]");
                        String base = code.temp(Kind.B64);
                        code.line("cvta.to.global.u64 " + base + ", " + raw);
                        globalBase.put(arg.paramIndex(), base);
                    }
                    case SCALAR -> {
                        Reg reg = arg.reg();
                        String type = paramType(reg.type());
                        signature.append(".param ").append(type).append(' ').append(name);
                        code.line("ld.param" + type + " " + registers.name(reg) + ", [" + name + "]");
                    }
                    case ARRAY_SIZE -> {
                        signature.append(".param .u32 ").append(name);
                        String size = code.temp(Kind.B32);
                        code.line("ld.param.u32 " + size + ", [" + name + "]");
                        arraySize.put(arg.paramIndex(), size);
                    }
                }
            }
            for (LocalArray local : ir.localArrays()) {
                String base = code.temp(Kind.B32);
                code.line("mov.u32 " + base + ", " + local.name());
                localBase.put(local.index(), base);
            }
        }

        private static String paramType(Type type) {
            return switch (type) {
                case I32 -> ".u32";
                case I64 -> ".u64";
                case F32 -> ".f32";
                case F64 -> ".f64";
                case PRED -> throw new IllegalStateException("predicate kernel parameter");
            };
        }

        // ---- operands -----------------------------------------------------------------------------

        private String dst(Reg reg) {
            return registers.name(reg);
        }

        /** A register name or an immediate. */
        private String src(Operand operand) {
            if (operand instanceof Reg reg) {
                return registers.name(reg);
            }
            Const k = (Const) operand;
            return switch (k.type()) {
                case I32 -> Integer.toString(k.asInt());
                case I64 -> Long.toString(k.asLong());
                case F32 -> PtxCode.f32(k.asFloat());
                case F64 -> PtxCode.f64(k.asDouble());
                case PRED -> throw new IllegalStateException("predicate constant used as an immediate");
            };
        }

        /** Always a register (constants are materialized), for the places PTX wants one. */
        private String reg(Operand operand) {
            if (operand instanceof Reg reg) {
                return registers.name(reg);
            }
            Const k = (Const) operand;
            if (k.type() == Type.PRED) {
                String p = code.temp(Kind.PRED);
                code.line("setp." + (k.asPred() ? "eq" : "ne") + ".u32 " + p + ", 0, 0");
                return p;
            }
            String t = code.temp(Kind.of(k.type()));
            code.line("mov" + bits(k.type()) + " " + t + ", " + src(k));
            return t;
        }

        private static String bits(Type type) {
            return switch (type) {
                case PRED -> ".pred";
                case I32, F32 -> ".b32";
                case I64, F64 -> ".b64";
            };
        }

        private static String arith(Type type) {
            return switch (type) {
                case I32 -> ".s32";
                case I64 -> ".s64";
                case F32 -> ".f32";
                case F64 -> ".f64";
                case PRED -> ".pred";
            };
        }

        // ---- instructions -------------------------------------------------------------------------

        private void instruction(Instr instr) {
            switch (instr) {
                case Instr.Move m -> move(m.dst(), m.src());
                case Instr.Unary u -> unary(u);
                case Instr.Binary b -> binary(b);
                case Instr.Compare c -> compare(c);
                case Instr.Select s -> select(s);
                case Instr.Convert c -> convert(c);
                case Instr.MathCall m -> mathCall(m);
                case Instr.Load l -> load(l);
                case Instr.LoadPacked l -> code.line((readOnly(l.array()) ? "ld.global.nc" : "ld.global") + ".u64 "
                        + dst(l.dst()) + ", " + address(l.array(), l.index())); // one 8-byte load
                case Instr.Store s -> store(s);
                case Instr.AtomicAdd a -> atomicAdd(a);
                case Instr.ArrayLength a -> {
                    String size = arraySize.get(a.array().index());
                    if (size == null) {
                        throw unsupported("getSize() of array parameter " + a.array().index() + " without its ARRAY_SIZE argument");
                    }
                    code.line("mov.b32 " + dst(a.dst()) + ", " + size);
                }
                case Instr.WorkItem w -> workItem(w);
                case Instr.Barrier b -> code.line("bar.sync 0"); // orders shared and global accesses within the CTA
                case Instr.WarpShuffle w -> warpShuffle(w);
                case Instr.MmaBf16 m -> mma(m);
            }
        }

        /**
         * One tensor-core mma.sync over the full warp, results straight into the four F32 registers (no shared
         * memory). Needs sm_80+ (bf16 m16n8k16, PTX ISA 7.0; the emitter's floor is ISA 7.8).
         */
        private void mma(Instr.MmaBf16 m) {
            if (target.smVersion() < 80) {
                throw unsupported("KernelContext.mmaBf16 needs compute capability 8.0+ (bf16 mma.sync m16n8k16);"
                        + " this device is " + target.arch() + " (the java, OpenCL and SPIR-V backends emulate it exactly)");
            }
            String d = m.d().stream().map(this::dst).collect(java.util.stream.Collectors.joining(", "));
            String a = m.a().stream().map(this::reg).collect(java.util.stream.Collectors.joining(", "));
            String b = m.b().stream().map(this::reg).collect(java.util.stream.Collectors.joining(", "));
            String c = m.c().stream().map(this::reg).collect(java.util.stream.Collectors.joining(", "));
            code.line("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {" + d + "}, {" + a + "}, {" + b + "}, {" + c + "}");
        }

        /**
         * One shfl.sync over the full warp (the launch guarantees whole warps; uniform control flow is the kernel's
         * contract). b's low 5 bits count, as the IR specifies; c = 0x1f: no segments, clamp at lane 31, so .down
         * past the warp keeps the caller's own value.
         */
        private void warpShuffle(Instr.WarpShuffle w) {
            String mode = switch (w.mode()) {
                case DOWN -> "down";
                case XOR -> "bfly";
            };
            code.line("shfl.sync." + mode + ".b32 " + dst(w.dst()) + ", " + reg(w.value()) + ", " + src(w.lane())
                    + ", 0x1f, 0xffffffff");
        }

        private void move(Reg dst, Operand src) {
            if (dst.type() == Type.PRED && src instanceof Const k) {
                code.line("setp." + (k.asPred() ? "eq" : "ne") + ".u32 " + dst(dst) + ", 0, 0");
            } else {
                code.line("mov" + bits(dst.type()) + " " + dst(dst) + ", " + src(src));
            }
        }

        private void unary(Instr.Unary u) {
            switch (u.op()) {
                case NEG -> code.line("neg" + arith(u.dst().type()) + " " + dst(u.dst()) + ", " + reg(u.a()));
                case NOT -> code.line("not.pred " + dst(u.dst()) + ", " + reg(u.a()));
            }
        }

        private void binary(Instr.Binary b) {
            Type t = b.dst().type();
            String d = dst(b.dst());
            String x = reg(b.a());
            String y = src(b.b());
            if (t == Type.PRED) {
                switch (b.op()) {
                    case AND -> code.line("and.pred " + d + ", " + x + ", " + reg(b.b()));
                    case OR -> code.line("or.pred " + d + ", " + x + ", " + reg(b.b()));
                    case XOR -> code.line("xor.pred " + d + ", " + x + ", " + reg(b.b()));
                    default -> throw unsupported(b.op() + " on booleans held as predicates");
                }
                return;
            }
            if (t.isFloat()) {
                String ft = arith(t);
                switch (b.op()) {
                    case ADD -> code.line("add.rn" + ft + " " + d + ", " + x + ", " + y);
                    case SUB -> code.line("sub.rn" + ft + " " + d + ", " + x + ", " + y);
                    case MUL -> code.line("mul.rn" + ft + " " + d + ", " + x + ", " + y);
                    case DIV -> code.line("div.rn" + ft + " " + d + ", " + x + ", " + y);
                    case REM -> floatRemainder(d, x, reg(b.b()), t);
                    default -> throw unsupported(b.op() + " on " + t);
                }
                return;
            }
            String it = arith(t);
            String bt = bits(t);
            int mask = t == Type.I64 ? 63 : 31;
            switch (b.op()) {
                case ADD -> code.line("add" + it + " " + d + ", " + x + ", " + y);
                case SUB -> code.line("sub" + it + " " + d + ", " + x + ", " + y);
                case MUL -> code.line("mul.lo" + it + " " + d + ", " + x + ", " + y);
                case DIV, REM -> integerDivision(b.op() == BinOp.DIV, d, x, b.b(), t);
                case AND -> code.line("and" + bt + " " + d + ", " + x + ", " + y);
                case OR -> code.line("or" + bt + " " + d + ", " + x + ", " + y);
                case XOR -> code.line("xor" + bt + " " + d + ", " + x + ", " + y);
                case SHL, SHR, USHR -> {
                    String count = b.b() instanceof Const k ? Integer.toString(k.asInt() & mask)
                            : code.op(Kind.B32, "and.b32", src(b.b()), Integer.toString(mask));
                    String opcode = switch (b.op()) {
                        case SHL -> "shl" + bt;
                        case SHR -> "shr" + it;
                        default -> "shr" + (t == Type.I64 ? ".u64" : ".u32");
                    };
                    code.line(opcode + " " + d + ", " + x + ", " + count);
                }
            }
        }

        /** Java's / and %: x/0 = 0 and x%0 = 0 (the IR's device rule), MIN/−1 = MIN, x%−1 = 0. */
        private void integerDivision(boolean quotient, String d, String x, Operand divisor, Type t) {
            Kind k = Kind.of(t);
            String it = arith(t);
            if (divisor instanceof Const c && c.asLong() != 0 && c.asLong() != -1) {
                // the common case (n / 2, i % 4): no zero or overflow to guard, and ptxas strength-reduces it
                code.line((quotient ? "div" : "rem") + it + " " + d + ", " + x + ", " + src(divisor));
                return;
            }
            String y = reg(divisor);
            String zero = code.op(Kind.PRED, "setp.eq" + it, y, "0");
            String minusOne = code.op(Kind.PRED, "setp.eq" + it, y, "-1");
            String special = code.op(Kind.PRED, "or.pred", zero, minusOne);
            String safe = code.op(k, "selp" + bits(t), "1", y, special);
            if (quotient) {
                String q = code.op(k, "div" + it, x, safe);
                String negated = code.op(k, "neg" + it, x); // wraps: −MIN = MIN, as Java
                q = code.op(k, "selp" + bits(t), negated, q, minusOne);
                code.line("selp" + bits(t) + " " + d + ", 0, " + q + ", " + zero);
            } else {
                String r = code.op(k, "rem" + it, x, safe);
                code.line("selp" + bits(t) + " " + d + ", 0, " + r + ", " + special);
            }
        }

        /**
         * C fmod (Java's float %), exactly: |x| is reduced by the largest y·2^k not above it until below
         * |y|; every subtraction is exact. NaN for x infinite, y zero or either NaN; x when |x| < |y|.
         */
        private void floatRemainder(String d, String x, String y, Type t) {
            Kind k = Kind.of(t);
            String ft = arith(t);
            String ax = code.op(k, "abs" + ft, x);
            String ay = code.op(k, "abs" + ft, y);
            String loop = code.newLabel("fmod_loop");
            String inner = code.newLabel("fmod_double");
            String done = code.newLabel("fmod_done");
            String r = code.temp(k);
            code.line("mov" + ft + " " + r + ", " + ax);
            String small = code.op(Kind.PRED, "setp.lt" + ft, ax, ay);
            String invalid = code.op(Kind.PRED, "setp.nan" + ft, ax, ay); // either NaN
            String xInf = code.op(Kind.PRED, "testp.infinite" + ft, ax);
            String yZero = code.op(Kind.PRED, "setp.eq" + ft, ay, t == Type.F64 ? PtxCode.f64(0.0) : PtxCode.f32(0f));
            invalid = code.op(Kind.PRED, "or.pred", invalid, xInf);
            invalid = code.op(Kind.PRED, "or.pred", invalid, yZero);
            String skip = code.op(Kind.PRED, "or.pred", small, invalid);
            code.line("@" + skip + " bra " + done);
            code.label(loop);
            String s = code.temp(k);
            code.line("mov" + ft + " " + s + ", " + ay);
            code.label(inner);
            String twice = code.op(k, "add.rn" + ft, s, s);
            String fits = code.op(Kind.PRED, "setp.le" + ft, twice, r);
            code.line("@" + fits + " mov" + ft + " " + s + ", " + twice);
            code.line("@" + fits + " bra " + inner);
            code.line("sub.rn" + ft + " " + r + ", " + r + ", " + s);
            String again = code.op(Kind.PRED, "setp.ge" + ft, r, ay);
            code.line("@" + again + " bra " + loop);
            code.label(done);
            // sign of the dividend; NaN for invalid operands; x itself when |x| < |y|
            String negative = code.op(Kind.PRED, "setp.lt" + (t == Type.F64 ? ".s64" : ".s32"),
                    code.op(t == Type.F64 ? Kind.B64 : Kind.B32, "mov" + bits(t), x), "0");
            String signed = code.op(k, "selp" + ft, code.op(k, "neg" + ft, r), r, negative);
            String nan = t == Type.F64 ? PtxCode.f64(Double.NaN) : PtxCode.f32(Float.NaN);
            String withNan = code.op(k, "selp" + ft, nan, signed, invalid);
            code.line("selp" + ft + " " + d + ", " + x + ", " + withNan + ", " + small);
        }

        private void compare(Instr.Compare c) {
            Type t = c.a().type();
            String d = dst(c.dst());
            if (t == Type.PRED) {
                String x = reg(c.a());
                String y = reg(c.b());
                switch (c.op()) {
                    case EQ -> {
                        String ne = code.op(Kind.PRED, "xor.pred", x, y);
                        code.line("not.pred " + d + ", " + ne);
                    }
                    case NE -> code.line("xor.pred " + d + ", " + x + ", " + y);
                    default -> throw unsupported(c.op() + " between booleans");
                }
                return;
            }
            String cmp = switch (c.op()) {
                case EQ -> "eq";
                case NE -> t.isFloat() ? "neu" : "ne"; // C: NaN != x is true
                case LT -> "lt";
                case LE -> "le";
                case GT -> "gt";
                case GE -> "ge";
            };
            code.line("setp." + cmp + arith(t) + " " + d + ", " + reg(c.a()) + ", " + src(c.b()));
        }

        private void select(Instr.Select s) {
            Type t = s.dst().type();
            String d = dst(s.dst());
            if (s.cond() instanceof Const k) {
                move(s.dst(), k.asPred() ? s.a() : s.b());
                return;
            }
            String cond = reg(s.cond());
            if (t == Type.PRED) {
                String a = reg(s.a());
                String b = reg(s.b());
                String ta = code.op(Kind.PRED, "and.pred", cond, a);
                String nc = code.op(Kind.PRED, "not.pred", cond);
                String tb = code.op(Kind.PRED, "and.pred", nc, b);
                code.line("or.pred " + d + ", " + ta + ", " + tb);
                return;
            }
            code.line("selp" + bits(t) + " " + d + ", " + src(s.a()) + ", " + src(s.b()) + ", " + cond);
        }

        private void convert(Instr.Convert c) {
            String d = dst(c.dst());
            String x = reg(c.src());
            switch (c.op()) {
                case I2L -> code.line("cvt.s64.s32 " + d + ", " + x);
                case I2F -> code.line("cvt.rn.f32.s32 " + d + ", " + x);
                case I2D -> code.line("cvt.rn.f64.s32 " + d + ", " + x);
                case L2I -> code.line("cvt.u32.u64 " + d + ", " + x);
                case L2F -> code.line("cvt.rn.f32.s64 " + d + ", " + x);
                case L2D -> code.line("cvt.rn.f64.s64 " + d + ", " + x);
                // Java: saturate, NaN → 0. cvt.rzi.sat saturates, but the H200 returned INT_MIN for
                // cvt.rzi.sat.s32.f64 of NaN (catalogue floatCasts), so NaN is mapped to 0 explicitly.
                case F2I -> javaFloatToInt("cvt.rzi.sat.s32.f32", ".f32", ".s32", d, x);
                case F2L -> javaFloatToInt("cvt.rzi.sat.s64.f32", ".f32", ".s64", d, x);
                case F2D -> code.line("cvt.f64.f32 " + d + ", " + x);
                case D2I -> javaFloatToInt("cvt.rzi.sat.s32.f64", ".f64", ".s32", d, x);
                case D2L -> javaFloatToInt("cvt.rzi.sat.s64.f64", ".f64", ".s64", d, x);
                case D2F -> code.line("cvt.rn.f32.f64 " + d + ", " + x);
                case I2B -> code.line("cvt.s32.s8 " + d + ", " + x);
                case I2S -> code.line("cvt.s32.s16 " + d + ", " + x);
                case I2C -> code.line("and.b32 " + d + ", " + x + ", 65535");
                case F2BITS, BITS2F -> code.line("mov.b32 " + d + ", " + x);
                case D2BITS, BITS2D -> code.line("mov.b64 " + d + ", " + x);
                case HALF2F -> {
                    String h = code.op(Kind.B16, "cvt.u16.u32", x);
                    code.line("cvt.f32.f16 " + d + ", " + h);
                }
                case F2HALF -> {
                    String h = code.temp(Kind.B16);
                    code.line("cvt.rn.f16.f32 " + h + ", " + x);
                    code.line("cvt.s32.s16 " + d + ", " + h);
                }
            }
        }

        /** {@code d = isNaN(x) ? 0 : saturate(trunc(x))}: Java's float/double → int/long cast. */
        private void javaFloatToInt(String cvt, String ft, String it, String d, String x) {
            String nan = code.op(Kind.PRED, "setp.nan" + ft, x, x);
            code.line(cvt + " " + d + ", " + x);
            code.line("selp" + it + " " + d + ", 0, " + d + ", " + nan);
        }

        private void mathCall(Instr.MathCall m) {
            Type t = m.dst().type();
            String d = dst(m.dst());
            List<Operand> args = m.args();
            String x = reg(args.getFirst());
            String ft = arith(t);
            boolean f32 = t == Type.F32;
            String result = switch (m.op()) {
                case SQRT -> t.isFloat() ? code.op(Kind.of(t), "sqrt.rn" + ft, x) : null;
                case RSQRT -> f32 ? math.rsqrtF32(x) : math.rsqrtF64(x);
                case FMA -> code.op(Kind.of(t), "fma.rn" + ft, x, reg(args.get(1)), reg(args.get(2)));
                case FLOOR -> code.op(Kind.of(t), "cvt.rmi" + ft + ft, x);
                case CEIL -> code.op(Kind.of(t), "cvt.rpi" + ft + ft, x);
                case ABS -> t.isFloat() ? code.op(Kind.of(t), "abs" + ft, x) : integerAbs(x, t);
                case MIN, MAX -> t.isFloat() ? math.minMax(x, reg(args.get(1)), t == Type.F64, m.op() == MathOp.MAX)
                        : code.op(Kind.of(t), (m.op() == MathOp.MAX ? "max" : "min") + ft, x, reg(args.get(1)));
                case EXP -> f32 ? math.expF32(x) : math.expF64(x);
                case LOG -> f32 ? math.logF32(x) : math.logF64(x);
                case POW -> f32 ? math.powF32(x, reg(args.get(1))) : math.powF64(x, reg(args.get(1)));
                case TANH -> f32 ? math.tanhF32(x) : math.tanhF64(x);
                case SIN -> f32 ? math.sinCosF32(x, false) : math.sinCosF64(x, false);
                case COS -> f32 ? math.sinCosF32(x, true) : math.sinCosF64(x, true);
            };
            if (result == null) {
                throw unsupported(m.op() + " on " + t);
            }
            code.line("mov" + bits(t) + " " + d + ", " + result);
        }

        /** Math.abs on ints: wraps for MIN_VALUE like Java. */
        private String integerAbs(String x, Type t) {
            Kind k = Kind.of(t);
            String negative = code.op(Kind.PRED, "setp.lt" + arith(t), x, "0");
            return code.op(k, "selp" + bits(t), code.op(k, "neg" + arith(t), x), x, negative);
        }

        // ---- memory -------------------------------------------------------------------------------

        /** [address] operand of element {@code index} of {@code array}. */
        private String address(ArrayRef array, Operand index) {
            int size = array.elem().bytes();
            if (array.space() == ArrayRef.Space.LOCAL) {
                String base = localBase.get(array.index());
                if (index instanceof Const k) {
                    return "[" + base + "+" + (long) k.asInt() * size + "]";
                }
                return "[" + code.op(Kind.B32, "mad.lo.s32", src(index), Integer.toString(size), base) + "]";
            }
            String base = globalBase.get(array.index());
            if (base == null) {
                throw unsupported("array parameter " + array.index() + " is not a device argument");
            }
            if (index instanceof Const k) {
                return "[" + base + "+" + (long) k.asInt() * size + "]";
            }
            String offset = code.op(Kind.B64, "mul.wide.s32", src(index), Integer.toString(size));
            return "[" + code.op(Kind.B64, "add.s64", base, offset) + "]";
        }

        private static String memoryType(ElemType elem, boolean load) {
            return switch (elem) {
                case BYTE -> load ? ".s8" : ".u8";
                case SHORT, HALF, BFLOAT16 -> load ? ".s16" : ".u16";
                case INT -> ".u32";
                case LONG -> ".u64";
                case FLOAT -> ".f32";
                case DOUBLE -> ".f64";
            };
        }

        private boolean readOnly(ArrayRef array) {
            KernelParam p = params.get(array.index());
            return readOnlyCache && p != null && p.read() && !p.written();
        }

        private void load(Instr.Load l) {
            ArrayRef array = l.array();
            String space = array.space() == ArrayRef.Space.LOCAL ? "ld.shared" : readOnly(array) ? "ld.global.nc" : "ld.global";
            code.line(space + memoryType(array.elem(), true) + " " + dst(l.dst()) + ", " + address(array, l.index()));
        }

        private void store(Instr.Store s) {
            ArrayRef array = s.array();
            String space = array.space() == ArrayRef.Space.LOCAL ? "st.shared" : "st.global";
            String addr = address(array, s.index());
            code.line(space + memoryType(array.elem(), false) + " " + addr + ", " + reg(s.value()));
        }

        private void atomicAdd(Instr.AtomicAdd a) {
            ArrayRef array = a.array();
            String type = switch (array.elem()) {
                case INT -> ".u32";
                case LONG -> ".u64";
                case FLOAT -> ".f32";
                case DOUBLE -> ".f64";
                default -> throw unsupported("atomicAdd on " + array.elem() + " arrays");
            };
            String space = array.space() == ArrayRef.Space.LOCAL ? "atom.shared.add" : "atom.global.add";
            String addr = address(array, a.index());
            String d = a.dst() != null ? dst(a.dst()) : code.temp(Kind.of(array.elem().registerType()));
            code.line(space + type + " " + d + ", " + addr + ", " + reg(a.value()));
        }

        private void workItem(Instr.WorkItem w) {
            String axis = switch (w.dim()) {
                case 0 -> "x";
                case 1 -> "y";
                case 2 -> "z";
                default -> throw unsupported("work-item dimension " + w.dim());
            };
            String d = dst(w.dst());
            switch (w.builtin()) {
                case LOCAL_ID -> code.line("mov.u32 " + d + ", %tid." + axis);
                case GROUP_ID -> code.line("mov.u32 " + d + ", %ctaid." + axis);
                case LOCAL_SIZE -> code.line("mov.u32 " + d + ", %ntid." + axis);
                case GLOBAL_ID -> {
                    String group = code.op(Kind.B32, "mov.u32", "%ctaid." + axis);
                    String size = code.op(Kind.B32, "mov.u32", "%ntid." + axis);
                    String local = code.op(Kind.B32, "mov.u32", "%tid." + axis);
                    code.line("mad.lo.s32 " + d + ", " + group + ", " + size + ", " + local);
                }
                case GLOBAL_SIZE -> {
                    String groups = code.op(Kind.B32, "mov.u32", "%nctaid." + axis);
                    String size = code.op(Kind.B32, "mov.u32", "%ntid." + axis);
                    code.line("mul.lo.s32 " + d + ", " + groups + ", " + size);
                }
            }
        }

        // ---- control flow -------------------------------------------------------------------------

        private void terminator(Terminator t, Block next) {
            switch (t) {
                case Terminator.Jump j -> {
                    if (j.target() != next) {
                        code.line("bra " + label(j.target()));
                    }
                }
                case Terminator.Branch b -> {
                    if (b.cond() instanceof Const k) {
                        Block target = k.asPred() ? b.ifTrue() : b.ifFalse();
                        if (target != next) {
                            code.line("bra " + label(target));
                        }
                        return;
                    }
                    String p = reg(b.cond());
                    if (b.ifTrue() == next) {
                        code.line("@!" + p + " bra " + label(b.ifFalse()));
                    } else {
                        code.line("@" + p + " bra " + label(b.ifTrue()));
                        if (b.ifFalse() != next) {
                            code.line("bra " + label(b.ifFalse()));
                        }
                    }
                }
                case Terminator.Switch s -> {
                    String v = reg(s.value());
                    for (int i = 0; i < s.keys().length; i++) {
                        String p = code.op(Kind.PRED, "setp.eq.s32", v, Integer.toString(s.keys()[i]));
                        code.line("@" + p + " bra " + label(s.targets().get(i)));
                    }
                    if (s.defaultTarget() != next) {
                        code.line("bra " + label(s.defaultTarget()));
                    }
                }
                case Terminator.Return r -> code.line("ret");
            }
        }

        private static String label(Block block) {
            return "$L_" + block.label();
        }

        private KernelCompilationException unsupported(String what) {
            String where = ir.ref() != null ? ir.ref().owner().getSimpleName() + "." + ir.ref().methodName() : ir.name();
            return new KernelCompilationException(where, "PTX backend: " + what);
        }
    }

    /** The {@code .entry} name the emitter gives {@code ir}'s kernel. */
    public static String entryName(KernelIR ir) {
        return identifier(ir.name());
    }

    /** A PTX identifier from a Java name (letters, digits, _ and $; not starting with a digit). */
    static String identifier(String name) {
        StringBuilder sb = new StringBuilder();
        for (char ch : name.toCharArray()) {
            sb.append(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_') ? ch : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        return sb.toString();
    }
}
