package ai.kimitornado.tasks.jit.ir;

import java.util.ArrayList;
import java.util.List;

/** A basic block: straight-line instructions and one terminator. The kernel's first block is its entry. */
public final class Block {
    private final int id;
    private final List<Instr> instrs = new ArrayList<>();
    private Terminator terminator;

    public Block(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Mutable list (the front end and the passes edit it). */
    public List<Instr> instrs() {
        return instrs;
    }

    public Terminator terminator() {
        return terminator;
    }

    public void setTerminator(Terminator terminator) {
        this.terminator = terminator;
    }

    public String label() {
        return "B" + id;
    }

    @Override
    public String toString() {
        return label();
    }
}
