package ai.kimitornado.tasks.jit;

import java.lang.classfile.Instruction;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.TypeKind;
import java.util.ArrayList;
import java.util.List;

/** A {@code for (@Parallel int v = lo; v < hi; v += step)} loop of the kernel method, found from its type annotation. */
final class ParallelLoop {
    final int slot;
    final int start;        // first instruction of the variable's scope
    final int end;          // end of scope (exclusive)
    final int initStore;    // the istore initialising v
    final int increment;    // the iinc of v
    final int step;
    final String variable;
    int dim;
    HostExpr lower;
    HostExpr upper;
    boolean upperInclusive;
    boolean conditionSeen;
    int conditionInsn = -1;

    private ParallelLoop(int slot, int start, int end, int initStore, int increment, int step, String variable) {
        this.slot = slot;
        this.start = start;
        this.end = end;
        this.initStore = initStore;
        this.increment = increment;
        this.step = step;
        this.variable = variable;
    }

    boolean contains(int insn) {
        return insn >= start && insn < end;
    }

    ParallelDim toDim() {
        return new ParallelDim(dim, variable, lower, upper, upperInclusive, step);
    }

    /** Finds, validates and numbers (outermost = 0) the @Parallel loops of {@code body}. */
    static List<ParallelLoop> find(MethodBody body) {
        List<ParallelLoop> loops = new ArrayList<>();
        for (TypeAnnotation ta : body.codeTypeAnnotations) {
            if (!ta.annotation().className().equalsString(MethodBody.PARALLEL_DESCRIPTOR)) {
                continue;
            }
            if (!(ta.targetInfo() instanceof TypeAnnotation.LocalVarTarget lvt)) {
                continue;
            }
            for (TypeAnnotation.LocalVarTargetInfo info : lvt.table()) {
                int start = body.labelIndex.get(info.startLabel());
                int end = body.labelIndex.get(info.endLabel());
                int slot = info.index();
                String name = body.localName(slot, start);
                int initStore = start - 1;
                if (initStore < 0 || !(body.insns.get(initStore) instanceof StoreInstruction st) || st.slot() != slot
                        || st.typeKind() != TypeKind.INT) {
                    throw new KernelCompilationException(body.location(start),
                            "@Parallel variable '" + name + "' must be an int initialised in its for statement");
                }
                int increment = -1, step = 0;
                for (int i = start; i < end; i++) {
                    Instruction ins = body.insns.get(i);
                    if (ins instanceof IncrementInstruction inc && inc.slot() == slot) {
                        if (increment >= 0) {
                            throw new KernelCompilationException(body.location(i),
                                    "@Parallel variable '" + name + "' is incremented more than once");
                        }
                        increment = i;
                        step = inc.constant();
                    } else if (ins instanceof StoreInstruction s && s.slot() == slot) {
                        throw new KernelCompilationException(body.location(i),
                                "@Parallel variable '" + name + "' is assigned in the loop body");
                    }
                }
                if (increment < 0 || step <= 0) {
                    throw new KernelCompilationException(body.location(start),
                            "@Parallel loop over '" + name + "' must count up by a positive constant (i++ or i += c)");
                }
                loops.add(new ParallelLoop(slot, start, end, initStore, increment, step, name));
            }
        }
        for (ParallelLoop l : loops) {
            for (ParallelLoop o : loops) {
                if (o != l && o.start <= l.start && l.end <= o.end) {
                    l.dim++;
                }
            }
            if (l.dim > 2) {
                throw new KernelCompilationException(body.location(l.start),
                        "@Parallel loops nest at most 3 deep ('" + l.variable + "' is the 4th)");
            }
        }
        for (ParallelLoop l : loops) {
            for (ParallelLoop o : loops) {
                if (o != l && o.dim == l.dim && o.start > l.start) {
                    throw new KernelCompilationException(body.location(o.start), "@Parallel loop '" + o.variable
                            + "' follows @Parallel loop '" + l.variable + "' at the same depth: that needs a grid-wide"
                            + " barrier between them; split them into two tasks");
                }
            }
        }
        loops.sort(java.util.Comparator.comparingInt(l -> l.dim));
        return loops;
    }
}
