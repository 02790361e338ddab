package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.Val.Arr;
import ai.kimitornado.tasks.jit.Val.Ctx;
import ai.kimitornado.tasks.jit.Val.Pending;
import ai.kimitornado.tasks.jit.Val.Prim;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.Builtin;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Ops.UnOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.NopInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Abstract interpretation of one method instance (the kernel, or one inlined call) into IR. Blocks are visited
 * once, in reverse postorder; the operand stack is tracked symbolically, JVM locals become registers (one per slot
 * and type), stack values live across blocks go through canonical per-depth registers.
 */
final class MethodTranslator {
    final KernelBuilder kb;
    final MethodBody body;
    final int frame;
    /** " (inlined into K.m:12 ...)" for error messages, or "". */
    final String inlinedInto;
    final boolean isKernel;
    private final FrameState[] entry;
    private final boolean[] done;
    private final Block[] irBlocks;
    private final Map<String, Reg> localRegs = new HashMap<>();
    private final Map<String, Reg> stackRegs = new HashMap<>();
    private final java.util.Set<Reg> stackRegSet = new java.util.HashSet<>();
    private final int[] storeCounts;
    private final HostExpr[] localHost;
    private List<ParallelLoop> loops = List.of();
    private Reg returnReg;
    private Block exit;
    private int cur;

    MethodTranslator(KernelBuilder kb, MethodBody body, String inlinedInto, boolean isKernel) {
        this.kb = kb;
        this.body = body;
        this.frame = kb.newFrameId();
        this.inlinedInto = inlinedInto;
        this.isKernel = isKernel;
        this.entry = new FrameState[body.blockCount()];
        this.done = new boolean[body.blockCount()];
        this.irBlocks = new Block[body.blockCount()];
        this.storeCounts = body.storeCounts();
        this.localHost = new HostExpr[Math.max(body.maxLocals, 1)];
        for (int i = 0; i < body.insns.size(); i++) {
            // constructs that make the whole method unusable are reported first, at their own line
            if (body.insns.get(i) instanceof MonitorInstruction) {
                throw error(i, "synchronization (synchronized block or method)");
            }
        }
        if (body.firstHandlerInsn >= 0) {
            throw error(body.firstHandlerInsn, "exception handler (try/catch/finally)");
        }
        if (isKernel) {
            loops = ParallelLoop.find(body);
        } else if (!ParallelLoop.find(body).isEmpty()) {
            throw error(0, "@Parallel loops must be in the kernel method itself, not in a helper");
        }
    }

    List<ParallelLoop> parallelLoops() {
        return loops;
    }

    KernelCompilationException error(int insn, String construct) {
        return new KernelCompilationException(body.location(insn), construct + inlinedInto);
    }

    // ---------------------------------------------------------------- driving

    /** Kernel: {@code initial} holds the parameters. Ends with Return terminators. */
    void translateKernel(FrameState initial, Map<Integer, HostExpr> paramHosts) {
        paramHosts.forEach((slot, h) -> {
            if (storeCounts[slot] == 0) {
                localHost[slot] = h;
            }
        });
        run(initial);
    }

    /** Inlined call: binds {@code args} to the callee's parameters; returns the result (null for void). */
    Val translateInline(List<Val> args) {
        FrameState st = new FrameState(Math.max(body.maxLocals, 1));
        int slot = 0;
        // parameters are copied into the callee's own registers (the callee may assign them)
        List<Instr> copies = new ArrayList<>();
        for (Val a : args) {
            if (a instanceof Prim p) {
                Reg r = localReg(slot, p.op().type());
                copies.add(new Instr.Move(r, p.op()));
                HostExpr h = host(p);
                if (storeCounts[slot] == 0) {
                    localHost[slot] = h;
                }
                st.locals[slot] = new Prim(r, localHost[slot]);
                if (p.op().type().isWide()) {
                    st.locals[slot + 1] = Val.TOP;
                    slot++;
                }
            } else {
                st.locals[slot] = a;
            }
            slot++;
        }
        copies.forEach(kb::emit);
        ClassDesc ret = body.type.returnType();
        if (!ret.equals(java.lang.constant.ConstantDescs.CD_void)) {
            Type t = typeOf(TypeKind.from(ret), 0);
            returnReg = kb.newReg(t, "ret");
        }
        exit = kb.newBlock();
        run(st);
        kb.current = exit;
        return returnReg == null ? null : new Prim(returnReg, null);
    }

    private void run(FrameState initial) {
        kb.terminate(new Terminator.Jump(irBlock(0)));
        entry[0] = initial;
        for (int b : body.reversePostorder()) {
            if (entry[b] != null) {
                processBlock(b);
            }
        }
        // only irreducible control flow (never produced by javac) could leave a reached block unprocessed
        for (boolean again = true; again; ) {
            again = false;
            for (int b = 0; b < entry.length; b++) {
                if (entry[b] != null && !done[b]) {
                    processBlock(b);
                    again = true;
                }
            }
        }
    }

    private Block irBlock(int jvmBlock) {
        if (irBlocks[jvmBlock] == null) {
            irBlocks[jvmBlock] = kb.newBlock();
        }
        return irBlocks[jvmBlock];
    }

    private void processBlock(int b) {
        done[b] = true;
        kb.current = irBlock(b);
        FrameState st = entry[b].copy();
        for (int i = 0; i < st.stack.size(); i++) {
            // snapshot canonical stack registers so that spills at the end of this block cannot clobber inputs
            if (st.stack.get(i) instanceof Prim p && p.op() instanceof Reg r && stackRegSet.contains(r)) {
                Reg t = kb.newReg(r.type(), null);
                kb.emit(new Instr.Move(t, r));
                st.stack.set(i, new Prim(t, p.host()));
            }
        }
        int end = body.blockEnd(b);
        for (int i = body.blockStart[b]; i < end; i++) {
            cur = i;
            try {
                translate(body.insns.get(i), st);
            } catch (KernelCompilationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KernelCompilationException(body.location(i), "internal JIT error at "
                        + body.insns.get(i).opcode() + " (please report): " + e + inlinedInto);
            }
            if (kb.current == null) {
                return;
            }
        }
        // fall through into the next block
        spill(st);
        flow(b + 1, st);
        kb.terminate(new Terminator.Jump(irBlock(b + 1)));
    }

    private void flow(int target, FrameState st) {
        if (done[target]) {
            FrameState e = entry[target];
            for (int i = 0; i < e.locals.length; i++) {
                if (e.locals[i] instanceof Arr a && st.locals[i] instanceof Arr s && !Objects.equals(a, s)) {
                    throw error(cur, "array variable '" + body.localName(i, cur)
                            + "' refers to different arrays around a loop (arrays must be statically known)");
                }
            }
            return;
        }
        entry[target] = entry[target] == null ? st.copy() : entry[target].merge(st);
    }

    private void flowLabel(Label l, FrameState st) {
        flow(body.blockOfInsn[body.labelIndex.get(l)], st);
    }

    private Block target(Label l) {
        return irBlock(body.blockOfInsn[body.labelIndex.get(l)]);
    }

    /** Moves primitive stack values into the canonical registers of their depth (block boundary). */
    private void spill(FrameState st) {
        for (int i = 0; i < st.stack.size(); i++) {
            Val v = st.stack.get(i);
            if (v instanceof Pending) {
                v = new Prim(materialize((Pending) v), null);
            }
            if (v instanceof Prim p) {
                Reg r = stackRegs.computeIfAbsent(i + ":" + p.op().type(), k -> kb.newReg(p.op().type(), "s"));
                stackRegSet.add(r);
                if (!r.equals(p.op())) {
                    kb.emit(new Instr.Move(r, p.op()));
                }
                st.stack.set(i, new Prim(r, p.host()));
            }
        }
    }

    // ---------------------------------------------------------------- registers and stack

    Reg localReg(int slot, Type type) {
        return localRegs.computeIfAbsent(slot + ":" + type, k -> {
            String n = body.localName(slot, cur);
            return kb.newReg(type, n == null ? "l" + slot : n);
        });
    }

    /** Kernel parameters: their registers are the device arguments themselves. */
    void bindLocalReg(int slot, Reg reg) {
        localRegs.put(slot + ":" + reg.type(), reg);
    }

    private static Type typeOf(TypeKind k, int unused) {
        return switch (k) {
            case INT, BOOLEAN, BYTE, CHAR, SHORT -> Type.I32;
            case LONG -> Type.I64;
            case FLOAT -> Type.F32;
            case DOUBLE -> Type.F64;
            default -> throw new IllegalArgumentException("not primitive: " + k);
        };
    }

    private Type typeOf(TypeKind k) {
        return typeOf(k, 0);
    }

    private void push(FrameState st, Val v) {
        st.stack.add(v);
        if (Val.wide(v)) {
            st.stack.add(Val.TOP);
        }
    }

    private void pushPrim(FrameState st, Operand op, HostExpr host) {
        push(st, new Prim(op, host));
    }

    private Val pop(FrameState st) {
        Val v = st.stack.removeLast();
        if (v instanceof Val.Top) {
            v = st.stack.removeLast();
        }
        return v;
    }

    private Prim popPrim(FrameState st) {
        Val v = pop(st);
        if (v instanceof Pending p) {
            return new Prim(materialize(p), null);
        }
        if (v instanceof Prim p) {
            return p;
        }
        throw error(cur, "expected a primitive value, found " + describe(v));
    }

    private static String describe(Val v) {
        return switch (v) {
            case Arr a -> "an array";
            case Ctx c -> "the KernelContext";
            case null -> "an unusable value";
            default -> v.toString();
        };
    }

    private Reg tmp(Type t) {
        return kb.newReg(t, null);
    }

    static HostExpr host(Prim p) {
        if (p.host() != null) {
            return p.host();
        }
        if (p.op() instanceof Const c && c.type().isInt()) {
            return new HostExpr.Constant(c.asLong());
        }
        return null;
    }

    /** Before assigning {@code reg}, stack entries that read it must keep the old value. */
    private void protect(FrameState st, Reg reg) {
        for (int i = 0; i < st.stack.size(); i++) {
            Val v = st.stack.get(i);
            if (v instanceof Prim p && p.op().equals(reg)) {
                Reg t = tmp(reg.type());
                kb.emit(new Instr.Move(t, reg));
                st.stack.set(i, new Prim(t, p.host()));
            } else if (v instanceof Pending p && (p.a().equals(reg) || p.b().equals(reg))) {
                st.stack.set(i, new Prim(materialize(p), null));
            }
        }
    }

    // ---------------------------------------------------------------- instructions

    private void translate(Instruction ins, FrameState st) {
        switch (ins) {
            case LoadInstruction ld -> load(ld, st);
            case StoreInstruction sto -> store(sto, st);
            case IncrementInstruction inc -> increment(inc, st);
            case ConstantInstruction c -> constant(c, st);
            case OperatorInstruction op -> operator(op, st);
            case ConvertInstruction cv -> convert(cv, st);
            case StackInstruction s -> stackOp(s, st);
            case BranchInstruction br -> branch(br, st);
            case TableSwitchInstruction ts -> switchOp(ts.cases(), ts.defaultTarget(), st);
            case LookupSwitchInstruction ls -> switchOp(ls.cases(), ls.defaultTarget(), st);
            case ReturnInstruction r -> ret(r, st);
            case FieldInstruction f -> field(f, st);
            case InvokeInstruction inv -> invoke(inv, st);
            case ArrayLoadInstruction al -> arrayLoad(al, st);
            case ArrayStoreInstruction as -> arrayStore(as, st);
            case NopInstruction n -> { }
            case NewObjectInstruction n -> {
                String cls = n.className().asInternalName().replace('/', '.');
                throw error(cur, isThrowable(cls) ? "throwing an exception (new " + cls + ")"
                        : "object allocation (new " + cls + ")");
            }
            case NewPrimitiveArrayInstruction n -> throw error(cur, "array allocation (new " + n.typeKind().name().toLowerCase()
                    + "[]): kernels use parameter arrays and ctx.allocate*LocalArray only");
            case NewReferenceArrayInstruction n -> throw error(cur, "array allocation (new "
                    + n.componentType().asInternalName().replace('/', '.') + "[])");
            case NewMultiArrayInstruction n -> throw error(cur, "array allocation (multi-dimensional)");
            case ThrowInstruction t -> throw error(cur, "throwing an exception (athrow)");
            case MonitorInstruction m -> throw error(cur, "synchronization (synchronized block: " + m.opcode() + ")");
            case TypeCheckInstruction t -> throw error(cur, "type check (" + t.opcode().name().toLowerCase() + " "
                    + t.type().asInternalName().replace('/', '.') + ")");
            case InvokeDynamicInstruction d -> throw error(cur, "invokedynamic (lambda, method reference or string concatenation: "
                    + d.name().stringValue() + ")");
            case DiscontinuedInstruction d -> throw error(cur, "jsr/ret subroutines");
            default -> throw error(cur, "unsupported bytecode " + ins.opcode());
        }
    }

    private boolean isThrowable(String className) {
        try {
            return Throwable.class.isAssignableFrom(Class.forName(className, false, kb.loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private void load(LoadInstruction ld, FrameState st) {
        Val v = st.locals[ld.slot()];
        if (ld.typeKind() == TypeKind.REFERENCE) {
            if (v instanceof Arr || v instanceof Ctx) {
                push(st, v);
                return;
            }
            throw error(cur, "reference variable '" + body.localName(ld.slot(), cur) + "' is not a kernel array");
        }
        if (!(v instanceof Prim p) || p.op().type() != typeOf(ld.typeKind())) {
            throw error(cur, "local '" + body.localName(ld.slot(), cur) + "' read before assignment: " + v);
        }
        HostExpr h = localHost[ld.slot()];
        push(st, p.host() == null && h != null ? new Prim(p.op(), h) : v);
    }

    private void store(StoreInstruction sto, FrameState st) {
        int slot = sto.slot();
        if (sto.typeKind() == TypeKind.REFERENCE) {
            Val v = pop(st);
            if (!(v instanceof Arr || v instanceof Ctx)) {
                throw error(cur, "storing " + describe(v) + " in a reference variable");
            }
            st.locals[slot] = v;
            return;
        }
        Prim v = popPrim(st);
        Type t = typeOf(sto.typeKind());
        Operand value = v.op();
        HostExpr h = host(v);
        ParallelLoop loop = loopAt(l -> l.initStore == cur);
        if (loop != null) {
            // grid-stride start: v = lo + get_global_id(dim) * step
            loop.lower = h;
            Reg id = tmp(Type.I32);
            kb.emit(new Instr.WorkItem(id, Builtin.GLOBAL_ID, loop.dim));
            Operand scaled = id;
            if (loop.step != 1) {
                Reg m = tmp(Type.I32);
                kb.emit(new Instr.Binary(m, BinOp.MUL, id, Const.i32(loop.step)));
                scaled = m;
            }
            Reg sum = tmp(Type.I32);
            kb.emit(new Instr.Binary(sum, BinOp.ADD, value, scaled));
            value = sum;
            h = null;
        }
        Reg r = localReg(slot, t);
        protect(st, r);
        kb.emit(new Instr.Move(r, value));
        if (storeCounts[slot] == 1 && loop == null) {
            localHost[slot] = h;
        }
        if (slot > 0 && Val.wide(st.locals[slot - 1])) {
            st.locals[slot - 1] = null;
        }
        st.locals[slot] = new Prim(r, storeCounts[slot] == 1 ? localHost[slot] : null);
        if (t.isWide()) {
            st.locals[slot + 1] = Val.TOP;
        }
    }

    private ParallelLoop loopAt(java.util.function.Predicate<ParallelLoop> p) {
        for (ParallelLoop l : loops) {
            if (p.test(l)) {
                return l;
            }
        }
        return null;
    }

    private void increment(IncrementInstruction inc, FrameState st) {
        Reg r = localReg(inc.slot(), Type.I32);
        if (!(st.locals[inc.slot()] instanceof Prim p) || !p.op().equals(r)) {
            throw error(cur, "iinc of a non-int local");
        }
        protect(st, r);
        ParallelLoop loop = loopAt(l -> l.increment == cur);
        if (loop != null) {
            // grid-stride step: v += get_global_size(dim) * step
            Reg size = tmp(Type.I32);
            kb.emit(new Instr.WorkItem(size, Builtin.GLOBAL_SIZE, loop.dim));
            Operand scaled = size;
            if (loop.step != 1) {
                Reg m = tmp(Type.I32);
                kb.emit(new Instr.Binary(m, BinOp.MUL, size, Const.i32(loop.step)));
                scaled = m;
            }
            kb.emit(new Instr.Binary(r, BinOp.ADD, r, scaled));
            return;
        }
        kb.emit(new Instr.Binary(r, BinOp.ADD, r, Const.i32(inc.constant())));
    }

    private void constant(ConstantInstruction c, FrameState st) {
        Object v = c.constantValue();
        switch (v) {
            case Integer i -> pushPrim(st, Const.i32(i), null);
            case Long l -> pushPrim(st, Const.i64(l), null);
            case Float f -> pushPrim(st, Const.f32(f), null);
            case Double d -> pushPrim(st, Const.f64(d), null);
            case null -> throw error(cur, "null reference");
            default -> throw error(cur, "constant of type " + v.getClass().getSimpleName() + " (" + v + ")");
        }
    }

    private void operator(OperatorInstruction op, FrameState st) {
        Opcode o = op.opcode();
        switch (o) {
            case ARRAYLENGTH -> {
                Val a = pop(st);
                if (a instanceof Arr arr && arr.ref() != null && arr.ref().space() == ArrayRef.Space.LOCAL) {
                    pushPrim(st, Const.i32(arr.ref().length()), new HostExpr.Constant(arr.ref().length()));
                    return;
                }
                throw error(cur, "arraylength of " + describe(a));
            }
            case INEG, LNEG, FNEG, DNEG -> {
                Prim a = popPrim(st);
                Reg r = tmp(a.op().type());
                kb.emit(new Instr.Unary(r, UnOp.NEG, a.op()));
                HostExpr h = host(a);
                pushPrim(st, r, h == null || o != Opcode.INEG && o != Opcode.LNEG ? null
                        : new HostExpr.Arith('-', new HostExpr.Constant(0), h, o == Opcode.INEG));
            }
            case LCMP -> pending(st, 0);
            case FCMPL, DCMPL -> pending(st, -1);
            case FCMPG, DCMPG -> pending(st, 1);
            default -> {
                BinOp bop = switch (o) {
                    case IADD, LADD, FADD, DADD -> BinOp.ADD;
                    case ISUB, LSUB, FSUB, DSUB -> BinOp.SUB;
                    case IMUL, LMUL, FMUL, DMUL -> BinOp.MUL;
                    case IDIV, LDIV, FDIV, DDIV -> BinOp.DIV;
                    case IREM, LREM, FREM, DREM -> BinOp.REM;
                    case IAND, LAND -> BinOp.AND;
                    case IOR, LOR -> BinOp.OR;
                    case IXOR, LXOR -> BinOp.XOR;
                    case ISHL, LSHL -> BinOp.SHL;
                    case ISHR, LSHR -> BinOp.SHR;
                    case IUSHR, LUSHR -> BinOp.USHR;
                    default -> throw error(cur, "unsupported operator " + o);
                };
                Prim b = popPrim(st);
                Prim a = popPrim(st);
                Reg r = tmp(a.op().type());
                kb.emit(new Instr.Binary(r, bop, a.op(), b.op()));
                pushPrim(st, r, hostArith(bop, a, b, r.type()));
            }
        }
    }

    private static HostExpr hostArith(BinOp op, Prim a, Prim b, Type t) {
        HostExpr x = host(a), y = host(b);
        if (x == null || y == null || !t.isInt()) {
            return null;
        }
        char c = switch (op) {
            case ADD -> '+'; case SUB -> '-'; case MUL -> '*'; case DIV -> '/'; case REM -> '%';
            case SHL -> '<'; case SHR -> '>'; default -> 0;
        };
        return c == 0 ? null : new HostExpr.Arith(c, x, y, t == Type.I32);
    }

    private void pending(FrameState st, int nan) {
        Prim b = popPrim(st);
        Prim a = popPrim(st);
        st.stack.add(new Pending(a.op(), b.op(), nan));
    }

    /** lcmp/fcmp result as an int: 1, -1, 0, or nanResult when unordered. */
    private Reg materialize(Pending p) {
        Reg gt = tmp(Type.PRED), lt = tmp(Type.PRED), eq = tmp(Type.PRED);
        kb.emit(new Instr.Compare(gt, CmpOp.GT, p.a(), p.b()));
        kb.emit(new Instr.Compare(lt, CmpOp.LT, p.a(), p.b()));
        kb.emit(new Instr.Compare(eq, CmpOp.EQ, p.a(), p.b()));
        Reg r0 = tmp(Type.I32), r1 = tmp(Type.I32), r2 = tmp(Type.I32);
        kb.emit(new Instr.Select(r0, eq, Const.i32(0), Const.i32(p.nanResult())));
        kb.emit(new Instr.Select(r1, lt, Const.i32(-1), r0));
        kb.emit(new Instr.Select(r2, gt, Const.i32(1), r1));
        return r2;
    }

    private void convert(ConvertInstruction cv, FrameState st) {
        Prim a = popPrim(st);
        TypeKind from = cv.fromType(), to = cv.toType();
        ConvOp op = switch (cv.opcode()) {
            case I2L -> ConvOp.I2L; case I2F -> ConvOp.I2F; case I2D -> ConvOp.I2D;
            case L2I -> ConvOp.L2I; case L2F -> ConvOp.L2F; case L2D -> ConvOp.L2D;
            case F2I -> ConvOp.F2I; case F2L -> ConvOp.F2L; case F2D -> ConvOp.F2D;
            case D2I -> ConvOp.D2I; case D2L -> ConvOp.D2L; case D2F -> ConvOp.D2F;
            case I2B -> ConvOp.I2B; case I2S -> ConvOp.I2S; case I2C -> ConvOp.I2C;
            default -> throw error(cur, "unsupported conversion " + from + " -> " + to);
        };
        Type t = typeOf(to);
        Reg r = tmp(t);
        kb.emit(new Instr.Convert(r, op, a.op()));
        HostExpr h = host(a);
        HostExpr rh = null;
        if (h != null && op == ConvOp.I2L) {
            rh = h;
        } else if (h != null && op == ConvOp.L2I) {
            rh = new HostExpr.Arith('+', h, new HostExpr.Constant(0), true);
        }
        pushPrim(st, r, rh);
    }

    private void stackOp(StackInstruction s, FrameState st) {
        List<Val> k = st.stack;
        int n = k.size();
        for (int i = 0; i < n; i++) {
            if (k.get(i) instanceof Pending p) {
                k.set(i, new Prim(materialize(p), null));
            }
        }
        switch (s.opcode()) {
            case POP -> k.removeLast();
            case POP2 -> { k.removeLast(); k.removeLast(); }
            case DUP -> k.add(k.get(n - 1));
            case DUP_X1 -> k.add(n - 2, k.get(n - 1));
            case DUP_X2 -> k.add(n - 3, k.get(n - 1));
            case DUP2 -> { k.add(k.get(n - 2)); k.add(k.get(n - 1)); }
            case DUP2_X1 -> { Val a = k.get(n - 2), b = k.get(n - 1); k.add(n - 3, b); k.add(n - 3, a); }
            case DUP2_X2 -> { Val a = k.get(n - 2), b = k.get(n - 1); k.add(n - 4, b); k.add(n - 4, a); }
            case SWAP -> { Val a = k.get(n - 1); k.set(n - 1, k.get(n - 2)); k.set(n - 2, a); }
            default -> throw error(cur, "unsupported stack operation " + s.opcode());
        }
    }

    // ---------------------------------------------------------------- control flow

    /** Leaving a @Parallel loop other than through its condition would skip this work-item's other iterations. */
    private void checkParallelExit(int targetInsn) {
        for (ParallelLoop l : loops) {
            if (l.contains(cur) && !l.contains(targetInsn) && l.conditionInsn != cur) {
                throw error(cur, "break out of @Parallel loop '" + l.variable
                        + "' (iterations run in parallel; use continue, or a KernelContext kernel)");
            }
        }
    }

    private void branch(BranchInstruction br, FrameState st) {
        Opcode o = br.opcode();
        if (o == Opcode.GOTO || o == Opcode.GOTO_W) {
            checkParallelExit(body.labelIndex.get(br.target()));
            spill(st);
            flowLabel(br.target(), st);
            kb.terminate(new Terminator.Jump(target(br.target())));
            return;
        }
        Operand cond = switch (o) {
            case IFEQ, IFNE, IFLT, IFGE, IFGT, IFLE -> {
                CmpOp op = switch (o) {
                    case IFEQ -> CmpOp.EQ; case IFNE -> CmpOp.NE; case IFLT -> CmpOp.LT;
                    case IFGE -> CmpOp.GE; case IFGT -> CmpOp.GT; default -> CmpOp.LE;
                };
                Val v = pop(st);
                if (v instanceof Pending p) {
                    yield pendingCompare(p, op);
                }
                if (!(v instanceof Prim p)) {
                    throw error(cur, "branch on " + describe(v));
                }
                yield compare(op, p, new Prim(Const.i32(0), null));
            }
            case IF_ICMPEQ, IF_ICMPNE, IF_ICMPLT, IF_ICMPGE, IF_ICMPGT, IF_ICMPLE -> {
                CmpOp op = switch (o) {
                    case IF_ICMPEQ -> CmpOp.EQ; case IF_ICMPNE -> CmpOp.NE; case IF_ICMPLT -> CmpOp.LT;
                    case IF_ICMPGE -> CmpOp.GE; case IF_ICMPGT -> CmpOp.GT; default -> CmpOp.LE;
                };
                Prim b = popPrim(st);
                Prim a = popPrim(st);
                parallelCondition(op, a, b, br.target());
                yield compare(op, a, b);
            }
            case IF_ACMPEQ, IF_ACMPNE, IFNULL, IFNONNULL -> throw error(cur, "reference comparison (" + o + ")");
            default -> throw error(cur, "unsupported branch " + o);
        };
        checkParallelExit(body.labelIndex.get(br.target()));
        spill(st);
        int fall = body.blockOfInsn[cur] + 1;
        if (cond instanceof Const c) {
            boolean taken = c.asPred();
            if (taken) {
                flowLabel(br.target(), st);
                kb.terminate(new Terminator.Jump(target(br.target())));
            } else {
                flow(fall, st);
                kb.terminate(new Terminator.Jump(irBlock(fall)));
            }
            return;
        }
        flowLabel(br.target(), st);
        flow(fall, st);
        kb.terminate(new Terminator.Branch(cond, target(br.target()), irBlock(fall)));
    }

    /** Records the bound of a @Parallel loop from its condition {@code a op b} (branch taken to {@code target}). */
    private void parallelCondition(CmpOp op, Prim a, Prim b, Label target) {
        for (ParallelLoop l : loops) {
            if (!l.contains(cur) || l.conditionSeen) {
                continue;
            }
            Reg v = localReg(l.slot, Type.I32);
            Prim bound;
            CmpOp rel;
            if (a.op().equals(v)) {
                bound = b;
                rel = op;
            } else if (b.op().equals(v)) {
                bound = a;
                rel = op.swap();
            } else {
                continue;
            }
            l.conditionSeen = true;
            l.conditionInsn = cur;
            boolean exits = !l.contains(body.labelIndex.get(target));
            CmpOp cont = exits ? rel.negate() : rel;   // condition under which the loop continues
            if (cont == CmpOp.LT || cont == CmpOp.LE) {
                l.upper = host(bound);
                l.upperInclusive = cont == CmpOp.LE;
            } else {
                throw error(cur, "@Parallel loop condition on '" + l.variable + "' must be " + l.variable
                        + " < bound or " + l.variable + " <= bound (grid-stride loops step over other bounds)");
            }
        }
    }

    /** PRED operand for {@code a op b}; a Const when both are integer constants. */
    private Operand compare(CmpOp op, Prim a, Prim b) {
        if (a.op() instanceof Const x && b.op() instanceof Const y && x.type().isInt()) {
            long p = x.asLong(), q = y.asLong();
            boolean r = switch (op) {
                case EQ -> p == q; case NE -> p != q; case LT -> p < q; case LE -> p <= q; case GT -> p > q; case GE -> p >= q;
            };
            return Const.pred(r);
        }
        Reg r = tmp(Type.PRED);
        kb.emit(new Instr.Compare(r, op, a.op(), b.op()));
        return r;
    }

    /** {@code (lcmp|fcmpX a b) op 0}, with Java's NaN behaviour. */
    private Operand pendingCompare(Pending p, CmpOp op) {
        int nan = p.nanResult();
        boolean nanTrue = switch (op) {
            case EQ -> nan == 0; case NE -> nan != 0; case LT -> nan < 0; case LE -> nan <= 0;
            case GT -> nan > 0; case GE -> nan >= 0;
        };
        boolean isFloat = p.a().type().isFloat();
        if (!isFloat || !nanTrue || op == CmpOp.NE) {
            // C semantics already match: ordered compare false on NaN, != true on NaN
            return compare(op, new Prim(p.a(), null), new Prim(p.b(), null));
        }
        Reg inv = tmp(Type.PRED);
        kb.emit(new Instr.Compare(inv, op.negate(), p.a(), p.b()));
        Reg r = tmp(Type.PRED);
        kb.emit(new Instr.Unary(r, UnOp.NOT, inv));
        return r;
    }

    private void switchOp(List<SwitchCase> cases, Label dflt, FrameState st) {
        Prim v = popPrim(st);
        spill(st);
        int[] keys = new int[cases.size()];
        List<Block> targets = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = cases.get(i).caseValue();
            flowLabel(cases.get(i).target(), st);
            targets.add(target(cases.get(i).target()));
        }
        flowLabel(dflt, st);
        kb.terminate(new Terminator.Switch(v.op(), keys, targets, target(dflt)));
    }

    private void ret(ReturnInstruction r, FrameState st) {
        if (r.typeKind() == TypeKind.REFERENCE) {
            throw error(cur, "returning a reference from a helper (helpers return primitives or void)");
        }
        for (ParallelLoop l : loops) {
            if (l.contains(cur)) {
                throw error(cur, "return inside @Parallel loop '" + l.variable
                        + "' (iterations run in parallel; use continue, or a KernelContext kernel)");
            }
        }
        if (r.typeKind() != TypeKind.VOID) {
            Prim v = popPrim(st);
            kb.emit(new Instr.Move(returnReg, v.op()));
        }
        if (isKernel) {
            kb.terminate(new Terminator.Return());
        } else {
            kb.terminate(new Terminator.Jump(exit));
        }
    }

    // ---------------------------------------------------------------- fields

    private void field(FieldInstruction f, FrameState st) {
        String owner = f.owner().asInternalName();
        String name = f.name().stringValue();
        String shown = MethodBody.simpleName(owner) + "." + name;
        switch (f.opcode()) {
            case GETFIELD -> {
                Val obj = pop(st);
                if (obj instanceof Ctx) {
                    Builtin[] b = new Builtin[1];
                    int dim = contextField(name, b);
                    Reg r = tmp(Type.I32);
                    kb.emit(new Instr.WorkItem(r, b[0], dim));
                    pushPrim(st, r, null);
                    return;
                }
                throw error(cur, "field access (" + shown + ")");
            }
            case GETSTATIC -> pushPrim(st, foldStatic(owner, name, shown), null);
            case PUTSTATIC -> throw error(cur, "write to static field " + shown);
            default -> throw error(cur, "field access (write to " + shown + ")");
        }
    }

    private int contextField(String name, Builtin[] out) {
        char axis = name.charAt(name.length() - 1);
        int dim = axis == 'x' || axis == 'X' ? 0 : axis == 'y' || axis == 'Y' ? 1 : 2;
        String base = name.substring(0, name.length() - 1);
        out[0] = switch (base) {
            case "globalId" -> Builtin.GLOBAL_ID;
            case "localId" -> Builtin.LOCAL_ID;
            case "groupId" -> Builtin.GROUP_ID;
            case "globalGroupSize" -> Builtin.GLOBAL_SIZE;
            case "localGroupSize" -> Builtin.LOCAL_SIZE;
            default -> throw error(cur, "KernelContext field " + name + " is not available in kernels");
        };
        return dim;
    }

    /** static final primitive fields are read (class initialised) and folded into constants. */
    private Const foldStatic(String owner, String name, String shown) {
        java.lang.reflect.Field fld;
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), true, kb.loader);
            fld = findField(c, name);
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            throw error(cur, "read of static field " + shown + " (not found: " + e + ")");
        }
        int mod = fld.getModifiers();
        if (!java.lang.reflect.Modifier.isFinal(mod) || !fld.getType().isPrimitive()) {
            throw error(cur, "read of static field " + shown
                    + " (only static final primitive fields are folded into kernels)");
        }
        try {
            fld.setAccessible(true);
            Object v = fld.get(null);
            kb.hash("static " + shown + "=" + v);
            return switch (v) {
                case Integer i -> Const.i32(i);
                case Short s -> Const.i32(s);
                case Byte b -> Const.i32(b);
                case Character c -> Const.i32(c);
                case Boolean b -> Const.i32(b ? 1 : 0);
                case Long l -> Const.i64(l);
                case Float x -> Const.f32(x);
                case Double d -> Const.f64(d);
                default -> throw error(cur, "static field " + shown + " of type " + fld.getType());
            };
        } catch (IllegalAccessException | RuntimeException e) {
            if (e instanceof KernelCompilationException k) {
                throw k;
            }
            throw error(cur, "read of static field " + shown + " failed: " + e);
        }
    }

    private static java.lang.reflect.Field findField(Class<?> c, String name) throws NoSuchFieldException {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                return k.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // try the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    // ---------------------------------------------------------------- arrays (Java primitive arrays = local memory)

    private void arrayLoad(ArrayLoadInstruction al, FrameState st) {
        Prim index = popPrim(st);
        ArrayRef ref = localArray(pop(st), "read");
        Reg r = tmp(ref.elem().registerType());
        kb.emit(new Instr.Load(r, ref, index.op()));
        pushPrim(st, r, null);
    }

    private void arrayStore(ArrayStoreInstruction as, FrameState st) {
        Prim value = popPrim(st);
        Prim index = popPrim(st);
        ArrayRef ref = localArray(pop(st), "write");
        kb.emit(new Instr.Store(ref, index.op(), value.op()));
    }

    private ArrayRef localArray(Val v, String what) {
        if (v instanceof Arr a && a.ref() != null && a.ref().space() == ArrayRef.Space.LOCAL) {
            return a.ref();
        }
        if (v instanceof Arr a && a.ref() == null) {
            throw error(cur, "array chosen at run time (arrays must be statically known)");
        }
        throw error(cur, "Java array " + what + " on " + describe(v)
                + ": only local-memory arrays from ctx.allocate*LocalArray are Java arrays in kernels");
    }

    ArrayRef arrayOf(Val v, String call) {
        if (v instanceof Arr a && a.ref() != null) {
            return a.ref();
        }
        if (v instanceof Arr) {
            throw error(cur, "array chosen at run time in " + call + " (arrays must be statically known)");
        }
        throw error(cur, call + " on " + describe(v));
    }

    // ---------------------------------------------------------------- calls

    private void invoke(InvokeInstruction inv, FrameState st) {
        String owner = inv.owner().asInternalName();
        String name = inv.name().stringValue();
        MethodTypeDesc mt = inv.typeSymbol();
        List<Val> args = new ArrayList<>();
        for (int i = mt.parameterCount() - 1; i >= 0; i--) {
            Val v = pop(st);
            if (v instanceof Pending p) {
                v = new Prim(materialize(p), null);
            }
            args.addFirst(v);
        }
        String shown = MethodBody.simpleName(owner) + "." + name;
        Val result;
        switch (inv.opcode()) {
            case INVOKESTATIC -> {
                result = Intrinsics.callStatic(this, owner, name, mt, args);
                if (result == Intrinsics.NOT_INTRINSIC) {
                    if (Intrinsics.isPlatformClass(owner)) {
                        throw error(cur, "call to " + owner.replace('/', '.') + "." + name
                                + " (not a kernel intrinsic)");
                    }
                    result = inline(owner, name, inv.type().stringValue(), args);
                }
            }
            case INVOKEVIRTUAL -> {
                Val receiver = pop(st);
                result = Intrinsics.callVirtual(this, receiver, owner, name, mt, args);
                if (result == Intrinsics.NOT_INTRINSIC) {
                    throw error(cur, "virtual call to " + shown);
                }
            }
            case INVOKEINTERFACE -> throw error(cur, "interface call to " + shown);
            case INVOKESPECIAL -> throw error(cur, (name.equals("<init>") ? "object construction (" : "private or super call (")
                    + shown + ")");
            default -> throw error(cur, "call " + inv.opcode());
        }
        if (result != null) {
            push(st, result);
        }
    }

    /** Inlines the static method owner.name(desc) with {@code args}; returns its result or null for void. */
    Val inline(String owner, String name, String desc, List<Val> args) {
        String key = owner + "." + name + desc;
        String shown = MethodBody.simpleName(owner) + "." + name;
        if (kb.inlineStack.contains(key)) {
            throw error(cur, "recursive call to " + shown);
        }
        if (kb.inlineStack.size() > 64) {
            throw error(cur, "helper calls nest deeper than 64");
        }
        MethodBody callee = MethodBody.load(kb.loader, owner, name, desc, body.location(cur) + inlinedInto);
        if (callee == null) {
            throw error(cur, "call to " + shown + desc + " (method not found in " + owner.replace('/', '.') + ")");
        }
        kb.hashMethod(callee);
        kb.inlineStack.push(key);
        try {
            String chain = body.location(cur)
                    + (inlinedInto.isEmpty() ? "" : ", " + inlinedInto.substring(15, inlinedInto.length() - 1));
            MethodTranslator t = new MethodTranslator(kb, callee, " (inlined into " + chain + ")", false);
            Block callSite = kb.current;
            Instr.MmaBf16 mmaBefore = kb.lastMma;
            Val result = t.translateInline(args);
            if (kb.lastMma == mmaBefore && kb.lastMmaBlock == callSite) {
                // a helper without mmaBf16 is straight-line code to the caller: mmaResult may still follow it (only
                // the helper's own blocks lie between the call site and its exit, and none writes the results)
                kb.lastMmaBlock = kb.current;
            }
            return result;
        } finally {
            kb.inlineStack.pop();
        }
    }

    int currentInsn() {
        return cur;
    }
}
