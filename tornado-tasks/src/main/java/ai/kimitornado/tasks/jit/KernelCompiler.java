package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Type;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The JIT front end: Java bytecode of a static kernel method (and the helpers it calls) → {@link KernelIR}. */
public final class KernelCompiler {
    /** Changes whenever the IR or an emitter in this package changes meaning; part of every cache key. */
    public static final String JIT_VERSION = "kimi-tornado-jit-1";

    private static final Map<KernelRef, KernelIR> CACHE = new ConcurrentHashMap<>();

    private KernelCompiler() {
    }

    /** Parses, inlines, verifies and optimises {@code ref}; cached per kernel. */
    public static KernelIR frontEnd(KernelRef ref) {
        return CACHE.computeIfAbsent(ref, KernelCompiler::compile);
    }

    private static KernelIR compile(KernelRef ref) {
        KernelBuilder kb = new KernelBuilder(ref);
        String owner = ref.owner().getName().replace('.', '/');
        MethodBody body = MethodBody.load(kb.loader, owner, ref.methodName(), ref.descriptor(), ref.displayName() + ":?");
        if (body == null) {
            throw new IllegalArgumentException("no bytecode for " + ref);
        }
        kb.hashMethod(body);
        kb.inlineStack.push(owner + "." + ref.methodName() + ref.descriptor());
        MethodTranslator t = new MethodTranslator(kb, body, "", true);

        Method m = ref.method();
        Parameter[] ps = m.getParameters();
        FrameState st = new FrameState(Math.max(body.maxLocals, 1));
        Map<Integer, HostExpr> paramHosts = new HashMap<>();
        List<KernelParam> params = new ArrayList<>();
        Map<Integer, Reg> scalarRegs = new HashMap<>();
        int slot = 0;
        boolean hasContext = false;
        for (int i = 0; i < ps.length; i++) {
            Class<?> c = ps[i].getType();
            String name = ps[i].isNamePresent() ? ps[i].getName() : nameFromTable(body, slot, i);
            kb.paramNames.add(name);
            ElemType arrayElem = ElemType.ofArrayClass(c);
            ElemType scalarElem = ElemType.ofScalarClass(c);
            if (c == KernelContext.class) {
                st.locals[slot] = new Val.Ctx();
                params.add(new KernelParam(i, name, KernelParam.Kind.CONTEXT, null, false, false));
                hasContext = true;
            } else if (arrayElem != null) {
                st.locals[slot] = new Val.Arr(new ArrayRef(ArrayRef.Space.GLOBAL, arrayElem, i, -1));
                params.add(new KernelParam(i, name, KernelParam.Kind.ARRAY, arrayElem, false, false));
            } else if (scalarElem != null) {
                Reg r = kb.newReg(scalarElem.registerType(), name);
                scalarRegs.put(i, r);
                t.bindLocalReg(slot, r);
                paramHosts.put(slot, new HostExpr.Param(i, name));
                st.locals[slot] = new Val.Prim(r, null);
                params.add(new KernelParam(i, name, KernelParam.Kind.SCALAR, scalarElem, true, false));
                if (r.type().isWide()) {
                    st.locals[slot + 1] = Val.TOP;
                    slot++;
                }
            } else {
                throw new KernelCompilationException(body.location(0), "parameter '" + name + "' of type "
                        + c.getSimpleName() + " (kernels take off-heap arrays, primitives and KernelContext)");
            }
            slot++;
        }
        if (hasContext && !t.parallelLoops().isEmpty()) {
            throw new KernelCompilationException(body.location(t.parallelLoops().get(0).start),
                    "@Parallel loops cannot be mixed with KernelContext in one kernel");
        }
        // fix host-expression names of array sizes lazily: ArraySize carries the index; names come from params
        kb.current = kb.newBlock(); // entry block, blocks.get(0)
        t.translateKernel(st, paramHosts);

        Passes.run(kb);
        List<Block> blocks = Passes.reversePostorder(kb.blocks);
        return assemble(ref, kb, t, blocks, params, scalarRegs, hasContext || kb.usesContext);
    }

    private static String nameFromTable(MethodBody body, int slot, int i) {
        String n = body.localName(slot, 0);
        return n == null ? "arg" + i : n;
    }

    private static KernelIR assemble(KernelRef ref, KernelBuilder kb, MethodTranslator t, List<Block> blocks,
                                     List<KernelParam> params, Map<Integer, Reg> scalarRegs, boolean usesContext) {
        boolean[] read = new boolean[params.size()], written = new boolean[params.size()];
        Set<Reg> used = new LinkedHashSet<>();
        Set<Integer> sized = new LinkedHashSet<>();
        boolean fp64 = false, fp16 = false;
        for (Block b : blocks) {
            for (Instr i : b.instrs()) {
                used.addAll(i.defs());
                for (Operand o : i.uses()) {
                    if (o instanceof Reg r) {
                        used.add(r);
                    }
                    fp64 |= o.type() == Type.F64;
                }
                switch (i) {
                    case Instr.Load l when l.array().space() == ArrayRef.Space.GLOBAL -> read[l.array().index()] = true;
                    case Instr.LoadPacked l -> read[l.array().index()] = true;
                    case Instr.Store s when s.array().space() == ArrayRef.Space.GLOBAL -> written[s.array().index()] = true;
                    case Instr.AtomicAdd a -> {
                        read[a.array().index()] = true;
                        written[a.array().index()] = true;
                    }
                    case Instr.ArrayLength a -> sized.add(a.array().index());
                    case Instr.Convert c when c.op() == ConvOp.HALF2F || c.op() == ConvOp.F2HALF -> fp16 = true;
                    default -> { }
                }
            }
            for (Operand o : b.terminator().uses()) {
                if (o instanceof Reg r) {
                    used.add(r);
                }
            }
        }
        for (var site : kb.packedLoadSites.entrySet()) {
            if (written[site.getKey()]) {
                throw site.getValue();
            }
        }
        List<KernelParam> finalParams = new ArrayList<>();
        List<DeviceArg> args = new ArrayList<>();
        for (KernelParam p : params) {
            KernelParam q = p.kind() == KernelParam.Kind.ARRAY
                    ? new KernelParam(p.index(), p.name(), p.kind(), p.elem(), read[p.index()], written[p.index()]) : p;
            finalParams.add(q);
            switch (p.kind()) {
                case ARRAY -> args.add(new DeviceArg(DeviceArg.Kind.ARRAY, p.index(), p.name(), null));
                case SCALAR -> args.add(new DeviceArg(DeviceArg.Kind.SCALAR, p.index(), p.name(), scalarRegs.get(p.index())));
                default -> { }
            }
            fp64 |= p.elem() == ElemType.DOUBLE;
            fp16 |= p.elem() == ElemType.HALF;
        }
        for (int idx : sized) {
            args.add(new DeviceArg(DeviceArg.Kind.ARRAY_SIZE, idx, params.get(idx).name() + "_size", null));
        }
        for (LocalArray la : kb.localArrays) {
            fp64 |= la.elem() == ElemType.DOUBLE;
        }
        List<Reg> regs = new ArrayList<>();
        for (Reg r : used) {
            fp64 |= r.type() == Type.F64;
            if (!scalarRegs.containsValue(r)) {
                regs.add(r);
            }
        }
        regs.sort(java.util.Comparator.comparingInt(Reg::id));
        List<ParallelDim> dims = new ArrayList<>();
        for (ParallelLoop l : t.parallelLoops()) {
            dims.add(l.toDim());
        }
        String hash = HexFormat.of().formatHex(kb.digest.digest());
        return new KernelIR(ref.methodName(), ref, List.copyOf(finalParams), List.copyOf(args), List.copyOf(dims),
                List.copyOf(kb.localArrays), List.copyOf(blocks), List.copyOf(regs), usesContext, kb.usesBarriers,
                kb.usesAtomics, fp64, fp16, hash);
    }
}
