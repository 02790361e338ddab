package ai.kimitornado.tasks.jit.ir;

import java.util.List;

/** The last instruction of every {@link Block}: explicit control flow, no structured constructs. */
public sealed interface Terminator {
    List<Operand> uses();

    List<Block> successors();

    record Jump(Block target) implements Terminator {
        public List<Operand> uses() { return List.of(); }
        public List<Block> successors() { return List.of(target); }
    }

    /** cond is a PRED operand. */
    record Branch(Operand cond, Block ifTrue, Block ifFalse) implements Terminator {
        public List<Operand> uses() { return List.of(cond); }
        public List<Block> successors() { return List.of(ifTrue, ifFalse); }
    }

    /** Multi-way branch on an I32: targets.get(k) for keys[k], otherwise defaultTarget. Keys are distinct. */
    record Switch(Operand value, int[] keys, List<Block> targets, Block defaultTarget) implements Terminator {
        public List<Operand> uses() { return List.of(value); }
        public List<Block> successors() {
            var all = new java.util.ArrayList<Block>(targets);
            all.add(defaultTarget);
            return all;
        }
    }

    /** End of the kernel for this work-item. */
    record Return() implements Terminator {
        public List<Operand> uses() { return List.of(); }
        public List<Block> successors() { return List.of(); }
    }
}
