package ai.kimitornado.tasks.jit.ir;

/** An instruction input: a virtual register or a constant. */
public sealed interface Operand permits Reg, Const {
    Type type();
}
