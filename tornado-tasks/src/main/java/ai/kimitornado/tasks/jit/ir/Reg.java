package ai.kimitornado.tasks.jit.ir;

/**
 * A typed virtual register. Registers are mutable variables (not SSA): a register made from a Java local is
 * assigned wherever the local is; temporaries are usually assigned once. {@code name} is a readable hint
 * (the Java local's name, "t" for temporaries, "s" for operand-stack values live across blocks); emitters
 * print {@code name_id}, which is unique.
 */
public record Reg(int id, Type type, String name) implements Operand {
    @Override
    public String toString() {
        return "%" + name + "_" + id + ":" + type;
    }
}
