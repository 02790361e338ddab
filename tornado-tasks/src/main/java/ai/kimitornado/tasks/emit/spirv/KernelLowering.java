package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.LocalArray;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers one {@link KernelIR} to a SPIR-V kernel function. IR registers are mutable variables, so each
 * becomes a Function-storage OpVariable read with OpLoad and written with OpStore (no OpPhi; the
 * driver's mem2reg makes SSA again). Blocks are written in reverse post-order, which puts every block
 * after its dominators as SPIR-V requires; unreachable blocks are dropped. No structured-control-flow
 * merges: the Kernel capability does not require them.
 */
final class KernelLowering {
    private final KernelIR ir;
    private final SpirvModule m = new SpirvModule();
    private final SpirvTypes t = new SpirvTypes(m);
    private SpirvFunction f;
    private JavaSemantics java;
    private final Map<Integer, Integer> registerVariables = new HashMap<>();
    private final Map<Integer, Integer> blockLabels = new HashMap<>();
    /** Java parameter index → SPIR-V parameter id (arrays: pointer; scalars: value). */
    private final Map<Integer, Integer> paramValues = new HashMap<>();
    private final Map<Integer, Integer> arraySizeValues = new HashMap<>();
    private final Map<Integer, Integer> localArrayVariables = new HashMap<>();
    /** Warp emulation: the Workgroup int[MAX_WARP_GROUP] exchange array and the linear local id (entry block). */
    private int warpScratch;
    private int linearLocalId;
    /** mmaBf16 emulation: the Workgroup int[6 * MAX_WARP_GROUP] exchange of fragment ints. */
    private int mmaScratch;

    KernelLowering(KernelIR ir) {
        this.ir = ir;
    }

    byte[] lower(String entryName) {
        declareLocalArrays();
        List<Integer> parameterTypes = new ArrayList<>();
        for (DeviceArg arg : ir.deviceArgs()) {
            parameterTypes.add(deviceArgType(arg));
        }
        int functionType = m.typeFunction(t.voidType, parameterTypes.stream().mapToInt(Integer::intValue).toArray());
        f = m.function(t.voidType, functionType, entryName);
        java = new JavaSemantics(f, t);
        for (int i = 0; i < ir.deviceArgs().size(); i++) {
            DeviceArg arg = ir.deviceArgs().get(i);
            int id = f.parameter(parameterTypes.get(i));
            m.name(id, arg.name());
            switch (arg.kind()) {
                case ARRAY -> {
                    paramValues.put(arg.paramIndex(), id);
                    // Java arrays never alias in ways the kernel can observe differently; keep the
                    // driver's alias analysis conservative anyway (no NoAlias), like the OpenCL C emitter.
                    m.decorate(id, Spv.Decoration.Alignment, param(arg.paramIndex()).elem().bytes());
                }
                case SCALAR -> paramValues.put(arg.paramIndex(), id);
                case ARRAY_SIZE -> arraySizeValues.put(arg.paramIndex(), id);
            }
        }
        List<Block> order = reversePostOrder();
        for (Block block : order) {
            blockLabels.put(block.id(), m.newId());
        }
        boolean entry = true;
        for (Block block : order) {
            f.block(blockLabels.get(block.id()));
            if (entry) {
                bindScalarParameters();
                if (warpScratch != 0) {
                    linearLocalId = linearLocalId();
                }
                entry = false;
            }
            for (Instr instr : block.instrs()) {
                lower(instr);
            }
            terminate(block.terminator());
        }
        m.kernelEntryPoint(f, entryName);
        // Java evaluates a*b+c with two roundings: forbid the driver from contracting into fma.
        m.executionMode(f, Spv.ExecutionMode.ContractionOff);
        return m.toBinary();
    }

    private KernelParam param(int index) {
        return ir.params().get(index);
    }

    private int deviceArgType(DeviceArg arg) {
        KernelParam p = param(arg.paramIndex());
        return switch (arg.kind()) {
            case ARRAY -> t.pointer(Spv.StorageClass.CrossWorkgroup, t.memory(p.elem()));
            case SCALAR -> t.of(p.elem().registerType());
            case ARRAY_SIZE -> t.i32;
        };
    }

    private void declareLocalArrays() {
        if (ir.usesWarpOps()) {
            int arrayType = m.typeArray(t.i32, KernelIR.MAX_WARP_GROUP);
            warpScratch = m.globalVariable(t.pointer(Spv.StorageClass.Workgroup, arrayType), Spv.StorageClass.Workgroup);
            m.name(warpScratch, "kt_warp");
        }
        if (ir.usesMma()) {
            int arrayType = m.typeArray(t.i32, KernelIR.MAX_WARP_GROUP * MMA_INTS);
            mmaScratch = m.globalVariable(t.pointer(Spv.StorageClass.Workgroup, arrayType), Spv.StorageClass.Workgroup);
            m.name(mmaScratch, "kt_mma");
        }
        for (LocalArray local : ir.localArrays()) {
            int arrayType = m.typeArray(t.memory(local.elem()), local.length());
            int variable = m.globalVariable(t.pointer(Spv.StorageClass.Workgroup, arrayType), Spv.StorageClass.Workgroup);
            m.name(variable, local.name());
            localArrayVariables.put(local.index(), variable);
        }
    }

    /** The body reads a scalar parameter through its register (DeviceArg.reg): seed it with the argument. */
    private void bindScalarParameters() {
        for (DeviceArg arg : ir.deviceArgs()) {
            if (arg.kind() == DeviceArg.Kind.SCALAR && arg.reg() != null) {
                f.store(variable(arg.reg()), paramValues.get(arg.paramIndex()));
            }
        }
    }

    // ---- registers ----

    private int variable(Reg reg) {
        return registerVariables.computeIfAbsent(reg.id(), id -> {
            int variable = f.variable(t.pointer(Spv.StorageClass.Function, t.of(reg.type())));
            m.name(variable, reg.name() + "_" + reg.id());
            return variable;
        });
    }

    private int read(Operand operand) {
        return switch (operand) {
            case Reg reg -> f.load(t.of(reg.type()), variable(reg));
            case Const c -> constant(c);
        };
    }

    private int constant(Const c) {
        return switch (c.type()) {
            case PRED -> m.constantBool(c.asPred());
            case I32 -> m.constantI32(c.asInt());
            case I64 -> m.constantI64(c.asLong());
            case F32 -> m.constantF32(c.asFloat());
            case F64 -> m.constantF64(c.asDouble());
        };
    }

    private void write(Reg dst, int value) {
        f.store(variable(dst), value);
    }

    // ---- instructions ----

    private void lower(Instr instr) {
        switch (instr) {
            case Instr.Move mv -> write(mv.dst(), read(mv.src()));
            case Instr.Unary u -> write(u.dst(), switch (u.op()) {
                case NEG -> f.op(u.dst().type().isFloat() ? SpirvOp.FNegate : SpirvOp.SNegate, t.of(u.dst().type()), read(u.a()));
                case NOT -> f.op(SpirvOp.LogicalNot, t.bool, read(u.a()));
            });
            case Instr.Binary b -> write(b.dst(), binary(b.op(), b.dst().type(), read(b.a()), read(b.b())));
            case Instr.Compare c -> write(c.dst(), compare(c.op(), c.a().type(), read(c.a()), read(c.b())));
            case Instr.Select s -> write(s.dst(), f.op(SpirvOp.Select, t.of(s.dst().type()), read(s.cond()), read(s.a()), read(s.b())));
            case Instr.Convert cv -> write(cv.dst(), java.convert(cv.op(), read(cv.src())));
            case Instr.MathCall mc -> {
                int[] args = mc.args().stream().mapToInt(this::read).toArray();
                write(mc.dst(), java.math(mc.op(), mc.dst().type(), args));
            }
            case Instr.Load ld -> write(ld.dst(), load(ld.array(), read(ld.index())));
            case Instr.LoadPacked lp -> {
                // one 8-byte load: reinterpret the 16-bit element pointer (8-byte aligned: index % 4 == 0)
                int wide = f.op(SpirvOp.Bitcast, t.pointer(Spv.StorageClass.CrossWorkgroup, t.i64),
                        elementPointer(lp.array(), read(lp.index())));
                write(lp.dst(), f.loadAligned(t.i64, wide, 8));
            }
            case Instr.Store st -> store(st.array(), read(st.index()), read(st.value()));
            case Instr.AtomicAdd at -> {
                int old = new SpirvAtomics(f, t).add(elementPointer(at.array(), read(at.index())), at.array(), read(at.value()));
                if (at.dst() != null) {
                    write(at.dst(), old);
                }
            }
            case Instr.ArrayLength len -> {
                Integer size = arraySizeValues.get(len.array().index());
                if (size == null) {
                    throw new IllegalStateException(ir.name() + ": no ARRAY_SIZE device argument for " + len.array());
                }
                write(len.dst(), size);
            }
            case Instr.WorkItem wi -> write(wi.dst(), workItem(wi));
            case Instr.Barrier br -> barrier(br);
            case Instr.WarpShuffle ws -> write(ws.dst(), warpShuffle(ws));
            case Instr.MmaBf16 mm -> mma(mm);
        }
    }

    private int binary(BinOp op, Type type, int a, int b) {
        int ty = t.of(type);
        if (type == Type.PRED) {
            return switch (op) {
                case AND -> f.op(SpirvOp.LogicalAnd, ty, a, b);
                case OR -> f.op(SpirvOp.LogicalOr, ty, a, b);
                case XOR -> f.op(SpirvOp.LogicalNotEqual, ty, a, b);
                default -> throw new IllegalStateException(ir.name() + ": " + op + " on PRED");
            };
        }
        if (type.isFloat()) {
            return switch (op) {
                case ADD -> f.op(SpirvOp.FAdd, ty, a, b);
                case SUB -> f.op(SpirvOp.FSub, ty, a, b);
                case MUL -> f.op(SpirvOp.FMul, ty, a, b);
                case DIV -> f.op(SpirvOp.FDiv, ty, a, b);
                case REM -> f.op(SpirvOp.FRem, ty, a, b); // sign of the dividend = C fmod = Java %
                default -> throw new IllegalStateException(ir.name() + ": " + op + " on " + type);
            };
        }
        return switch (op) {
            case ADD -> f.op(SpirvOp.IAdd, ty, a, b);
            case SUB -> f.op(SpirvOp.ISub, ty, a, b);
            case MUL -> f.op(SpirvOp.IMul, ty, a, b);
            case DIV -> java.divide(type, a, b);
            case REM -> java.remainder(type, a, b);
            case AND -> f.op(SpirvOp.BitwiseAnd, ty, a, b);
            case OR -> f.op(SpirvOp.BitwiseOr, ty, a, b);
            case XOR -> f.op(SpirvOp.BitwiseXor, ty, a, b);
            case SHL -> java.shift(SpirvOp.ShiftLeftLogical, type, a, b);
            case SHR -> java.shift(SpirvOp.ShiftRightArithmetic, type, a, b);
            case USHR -> java.shift(SpirvOp.ShiftRightLogical, type, a, b);
        };
    }

    /** C semantics on floats: ordered comparisons (false with NaN) except NE, which is unordered (true). */
    private int compare(CmpOp op, Type type, int a, int b) {
        int opcode;
        if (type == Type.PRED) {
            opcode = switch (op) {
                case EQ -> SpirvOp.LogicalEqual;
                case NE -> SpirvOp.LogicalNotEqual;
                default -> throw new IllegalStateException(ir.name() + ": " + op + " on PRED");
            };
        } else if (type.isFloat()) {
            opcode = switch (op) {
                case EQ -> SpirvOp.FOrdEqual;
                case NE -> SpirvOp.FUnordNotEqual;
                case LT -> SpirvOp.FOrdLessThan;
                case LE -> SpirvOp.FOrdLessThanEqual;
                case GT -> SpirvOp.FOrdGreaterThan;
                case GE -> SpirvOp.FOrdGreaterThanEqual;
            };
        } else {
            opcode = switch (op) {
                case EQ -> SpirvOp.IEqual;
                case NE -> SpirvOp.INotEqual;
                case LT -> SpirvOp.SLessThan;
                case LE -> SpirvOp.SLessThanEqual;
                case GT -> SpirvOp.SGreaterThan;
                case GE -> SpirvOp.SGreaterThanEqual;
            };
        }
        return f.op(opcode, t.bool, a, b);
    }

    // ---- memory ----

    /** Pointer to array[index]; the I32 index is sign-extended to the 64-bit address width. */
    private int elementPointer(ArrayRef array, int index) {
        int index64 = f.op(SpirvOp.SConvert, t.i64, index);
        int elem = t.memory(array.elem());
        if (array.space() == ArrayRef.Space.GLOBAL) {
            Integer base = paramValues.get(array.index());
            if (base == null) {
                throw new IllegalStateException(ir.name() + ": no device argument for array parameter " + array.index());
            }
            return f.op(SpirvOp.InBoundsPtrAccessChain, t.pointer(Spv.StorageClass.CrossWorkgroup, elem), base, index64);
        }
        int base = localArrayVariables.get(array.index());
        return f.op(SpirvOp.InBoundsPtrAccessChain, t.pointer(Spv.StorageClass.Workgroup, elem), base, m.constantI64(0), index64);
    }

    private int load(ArrayRef array, int index) {
        ElemType elem = array.elem();
        int raw = f.loadAligned(t.memory(elem), elementPointer(array, index), elem.bytes());
        return switch (elem) {
            case BYTE, SHORT, HALF, BFLOAT16 -> f.op(SpirvOp.SConvert, t.i32, raw);
            default -> raw;
        };
    }

    private void store(ArrayRef array, int index, int value) {
        ElemType elem = array.elem();
        int narrowed = switch (elem) {
            case BYTE, SHORT, HALF, BFLOAT16 -> f.op(SpirvOp.UConvert, t.memory(elem), value);
            default -> value;
        };
        f.storeAligned(elementPointer(array, index), narrowed, elem.bytes());
    }

    // ---- work-items and barriers ----

    private int workItem(Instr.WorkItem wi) {
        Spv.BuiltIn builtIn = switch (wi.builtin()) {
            case GLOBAL_ID -> Spv.BuiltIn.GlobalInvocationId;
            case LOCAL_ID -> Spv.BuiltIn.LocalInvocationId;
            case GROUP_ID -> Spv.BuiltIn.WorkgroupId;
            case GLOBAL_SIZE -> Spv.BuiltIn.GlobalSize;
            case LOCAL_SIZE -> Spv.BuiltIn.WorkgroupSize;
        };
        int vector = f.loadAligned(m.typeVector(t.i64, 3), m.builtIn(builtIn), 32);
        int value = f.op(SpirvOp.CompositeExtract, t.i64, vector, wi.dim());
        return f.op(SpirvOp.UConvert, t.i32, value);
    }

    private void barrier(Instr.Barrier barrier) {
        int semantics = Spv.SEMANTICS_SEQ_CST | Spv.SEMANTICS_WORKGROUP_MEMORY
                | (barrier.fence() == ai.kimitornado.tasks.jit.ir.Ops.Fence.GLOBAL ? Spv.SEMANTICS_CROSS_WORKGROUP_MEMORY : 0);
        int workgroup = m.constantI32(Spv.SCOPE_WORKGROUP);
        f.opVoid(SpirvOp.ControlBarrier, workgroup, workgroup, m.constantI32(semantics));
    }

    // ---- warp shuffles (emulated through Workgroup memory, exactly like the OpenCL C emitter) ----

    /** x + sx * (y + sy * z): the order warps are cut in (32 consecutive linear ids). */
    private int linearLocalId() {
        int[] id = new int[3], size = new int[3];
        for (int d = 0; d < 3; d++) {
            id[d] = workItem(new Instr.WorkItem(null, ai.kimitornado.tasks.jit.ir.Ops.Builtin.LOCAL_ID, d));
            size[d] = workItem(new Instr.WorkItem(null, ai.kimitornado.tasks.jit.ir.Ops.Builtin.LOCAL_SIZE, d));
        }
        int yz = f.op(SpirvOp.IAdd, t.i32, id[1], f.op(SpirvOp.IMul, t.i32, size[1], id[2]));
        return f.op(SpirvOp.IAdd, t.i32, id[0], f.op(SpirvOp.IMul, t.i32, size[0], yz));
    }

    private int warpSlot(int linearId) {
        return f.op(SpirvOp.InBoundsPtrAccessChain, t.pointer(Spv.StorageClass.Workgroup, t.i32), warpScratch,
                m.constantI64(0), f.op(SpirvOp.SConvert, t.i64, linearId));
    }

    /** Publish, barrier, read the source lane, barrier (the next exchange must not overwrite unread values). */
    private int warpShuffle(Instr.WarpShuffle ws) {
        boolean isFloat = ws.value().type() == Type.F32;
        int value = read(ws.value());
        f.storeAligned(warpSlot(linearLocalId), isFloat ? f.op(SpirvOp.Bitcast, t.i32, value) : value, 4);
        Instr.Barrier local = new Instr.Barrier(ai.kimitornado.tasks.jit.ir.Ops.Fence.LOCAL);
        barrier(local);
        int lane = f.op(SpirvOp.BitwiseAnd, t.i32, read(ws.lane()), m.constantI32(31));
        int source = switch (ws.mode()) {
            case DOWN -> {
                int own = f.op(SpirvOp.BitwiseAnd, t.i32, linearLocalId, m.constantI32(31));
                int inside = f.op(SpirvOp.SLessThan, t.bool, f.op(SpirvOp.IAdd, t.i32, own, lane), m.constantI32(32));
                int step = f.op(SpirvOp.Select, t.i32, inside, lane, m.constantI32(0));
                yield f.op(SpirvOp.IAdd, t.i32, linearLocalId, step);
            }
            case XOR -> f.op(SpirvOp.BitwiseXor, t.i32, linearLocalId, lane);
        };
        int bits = f.loadAligned(t.i32, warpSlot(source), 4);
        barrier(local);
        return isFloat ? f.op(SpirvOp.Bitcast, t.f32, bits) : bits;
    }

    private static final int MMA_INTS = ai.kimitornado.tasks.api.MmaBf16Tile.INTS_PER_LANE;

    private int mmaSlot(int index) {
        return f.op(SpirvOp.InBoundsPtrAccessChain, t.pointer(Spv.StorageClass.Workgroup, t.i32), mmaScratch,
                m.constantI64(0), f.op(SpirvOp.SConvert, t.i64, index));
    }

    private int plus(int a, int constant) {
        return constant == 0 ? a : f.op(SpirvOp.IAdd, t.i32, a, m.constantI32(constant));
    }

    /** A fragment int's bf16 half as fp32: the low half shifted up, the high half masked (exact). */
    private int bf16Half(int packed, int half) {
        int bits = half == 0 ? f.op(SpirvOp.ShiftLeftLogical, t.i32, packed, m.constantI32(16))
                : f.op(SpirvOp.BitwiseAnd, t.i32, packed, m.constantI32(0xffff0000));
        return f.op(SpirvOp.Bitcast, t.f32, bits);
    }

    /**
     * The exact mmaBf16 emulation (MmaBf16Tile.laneResult, unrolled): publish the six fragment ints, barrier, read
     * rows g, g+8 of A from lanes 4g..4g+3 and columns 2t, 2t+1 of B from lanes 8t..8t+7, d = fma(A[i][k], B[k][j], d)
     * for k = 0..15, barrier.
     */
    private void mma(Instr.MmaBf16 mm) {
        List<Operand> ab = new ArrayList<>(mm.a());
        ab.addAll(mm.b());
        int own = f.op(SpirvOp.IMul, t.i32, linearLocalId, m.constantI32(MMA_INTS));
        for (int i = 0; i < ab.size(); i++) {
            f.storeAligned(mmaSlot(plus(own, i)), read(ab.get(i)), 4);
        }
        Instr.Barrier local = new Instr.Barrier(ai.kimitornado.tasks.jit.ir.Ops.Fence.LOCAL);
        barrier(local);
        int lane = f.op(SpirvOp.BitwiseAnd, t.i32, linearLocalId, m.constantI32(31));
        int warpBase = f.op(SpirvOp.ISub, t.i32, linearLocalId, lane);
        int g = f.op(SpirvOp.ShiftRightLogical, t.i32, lane, m.constantI32(2));
        int quadT = f.op(SpirvOp.BitwiseAnd, t.i32, lane, m.constantI32(3));
        int rowLanes = f.op(SpirvOp.IMul, t.i32, f.op(SpirvOp.IAdd, t.i32, warpBase,
                f.op(SpirvOp.ShiftLeftLogical, t.i32, g, m.constantI32(2))), m.constantI32(MMA_INTS));
        int colLanes = f.op(SpirvOp.IMul, t.i32, f.op(SpirvOp.IAdd, t.i32, warpBase,
                f.op(SpirvOp.ShiftLeftLogical, t.i32, quadT, m.constantI32(3))), m.constantI32(MMA_INTS));
        int[][][] a = new int[4][4][2]; // [lane q of the row quad][fragment a0..a3][half] as fp32
        int[][][][] b = new int[2][4][2][2]; // [column 2t+col][lane q][fragment b0/b1][half]
        for (int q = 0; q < 4; q++) {
            for (int r = 0; r < 4; r++) {
                int packed = f.loadAligned(t.i32, mmaSlot(plus(rowLanes, q * MMA_INTS + r)), 4);
                a[q][r][0] = bf16Half(packed, 0);
                a[q][r][1] = bf16Half(packed, 1);
            }
            for (int col = 0; col < 2; col++) {
                for (int r = 0; r < 2; r++) {
                    int packed = f.loadAligned(t.i32, mmaSlot(plus(colLanes, (4 * col + q) * MMA_INTS + 4 + r)), 4);
                    b[col][q][r][0] = bf16Half(packed, 0);
                    b[col][q][r][1] = bf16Half(packed, 1);
                }
            }
        }
        for (int e = 0; e < 4; e++) {
            int d = read(mm.c().get(e));
            for (int k = 0; k < 16; k++) {
                int q = (k & 7) >> 1, upperK = k >> 3, half = k & 1;
                d = java.math(ai.kimitornado.tasks.jit.ir.Ops.MathOp.FMA, Type.F32,
                        new int[]{a[q][(e >> 1) + 2 * upperK][half], b[e & 1][q][upperK][half], d});
            }
            write(mm.d().get(e), d);
        }
        barrier(local);
    }

    // ---- control flow ----

    private void terminate(Terminator terminator) {
        switch (terminator) {
            case Terminator.Jump j -> f.branch(label(j.target()));
            case Terminator.Branch b -> f.branchConditional(read(b.cond()), label(b.ifTrue()), label(b.ifFalse()));
            case Terminator.Switch s -> {
                int[] labels = s.targets().stream().mapToInt(this::label).toArray();
                f.switch32(read(s.value()), label(s.defaultTarget()), s.keys(), labels);
            }
            case Terminator.Return r -> f.returnVoid();
        }
    }

    private int label(Block block) {
        return blockLabels.get(block.id());
    }

    private List<Block> reversePostOrder() {
        List<Block> postOrder = new ArrayList<>();
        Set<Integer> visited = new HashSet<>();
        // iterative DFS: kernels with long unrolled chains must not overflow the Java stack
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        Block entry = ir.blocks().getFirst();
        visited.add(entry.id());
        stack.push(new Object[]{entry, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Block block = (Block) frame[0];
            List<Block> successors = block.terminator().successors();
            int next = (int) frame[1];
            if (next < successors.size()) {
                frame[1] = next + 1;
                Block successor = successors.get(next);
                if (visited.add(successor.id())) {
                    stack.push(new Object[]{successor, 0});
                }
            } else {
                stack.pop();
                postOrder.add(block);
            }
        }
        return postOrder.reversed();
    }
}
