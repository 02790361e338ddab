package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Operand;
import java.util.Objects;

/** Abstract value of one operand-stack or local slot during the front end's abstract interpretation. */
sealed interface Val {

    /** A primitive in a register or constant; {@code host}: the same value as a host expression, or null. */
    record Prim(Operand op, HostExpr host) implements Val { }

    /** An array reference; {@code ref} null when different arrays meet at a join (an error if used). */
    record Arr(ArrayRef ref) implements Val { }

    /** The KernelContext. */
    record Ctx() implements Val { }

    /** Result of lcmp (nanResult 0), fcmpl/dcmpl (-1) or fcmpg/dcmpg (+1), not yet consumed. */
    record Pending(Operand a, Operand b, int nanResult) implements Val { }

    /** Second slot of a long/double on the operand stack or in locals. */
    record Top() implements Val { }

    Top TOP = new Top();

    static boolean wide(Val v) {
        return v instanceof Prim p && p.op().type().isWide();
    }

    /** Join at a control-flow merge; null when unusable. */
    static Val merge(Val a, Val b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.equals(b)) {
            return a;
        }
        if (a instanceof Prim pa && b instanceof Prim pb && pa.op().equals(pb.op())) {
            return new Prim(pa.op(), Objects.equals(pa.host(), pb.host()) ? pa.host() : null);
        }
        if (a instanceof Arr && b instanceof Arr) {
            return new Arr(null);
        }
        return null;
    }
}
