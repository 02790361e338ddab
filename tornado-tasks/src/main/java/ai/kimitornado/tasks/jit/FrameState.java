package ai.kimitornado.tasks.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Locals and operand stack of one method frame at a program point (wide values take two slots). */
final class FrameState {
    final Val[] locals;
    final List<Val> stack;

    FrameState(int maxLocals) {
        this.locals = new Val[maxLocals];
        this.stack = new ArrayList<>();
    }

    private FrameState(Val[] locals, List<Val> stack) {
        this.locals = locals;
        this.stack = stack;
    }

    FrameState copy() {
        return new FrameState(locals.clone(), new ArrayList<>(stack));
    }

    /** Join with another state reaching the same block; null result slots are unusable. */
    FrameState merge(FrameState o) {
        Val[] l = new Val[locals.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Val.merge(locals[i], o.locals[i]);
        }
        if (stack.size() != o.stack.size()) {
            throw new IllegalStateException("operand stack depth differs at a join: " + stack + " vs " + o.stack);
        }
        List<Val> s = new ArrayList<>();
        for (int i = 0; i < stack.size(); i++) {
            s.add(Val.merge(stack.get(i), o.stack.get(i)));
        }
        return new FrameState(l, s);
    }

    @Override
    public String toString() {
        return "locals=" + Arrays.toString(locals) + " stack=" + stack;
    }
}
