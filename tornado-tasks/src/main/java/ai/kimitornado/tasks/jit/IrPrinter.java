package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Terminator;
import java.util.Arrays;

/** Text form of the IR (stable enough to read in test failures and JIT.md). */
final class IrPrinter {
    private IrPrinter() {
    }

    static String print(KernelIR ir) {
        StringBuilder sb = new StringBuilder();
        sb.append("kernel ").append(ir.name()).append(" hash=").append(ir.bytecodeHash(), 0, 12).append('\n');
        for (KernelParam p : ir.params()) {
            sb.append("  param ").append(p).append('\n');
        }
        for (DeviceArg a : ir.deviceArgs()) {
            sb.append("  devarg ").append(a).append('\n');
        }
        for (ParallelDim d : ir.parallelDims()) {
            sb.append("  parallel ").append(d).append('\n');
        }
        for (LocalArray l : ir.localArrays()) {
            sb.append("  local ").append(l).append('\n');
        }
        for (Block b : ir.blocks()) {
            sb.append(b.label()).append(":\n");
            for (Instr i : b.instrs()) {
                sb.append("    ").append(i).append('\n');
            }
            sb.append("    ").append(terminator(b.terminator())).append('\n');
        }
        return sb.toString();
    }

    private static String terminator(Terminator t) {
        if (t instanceof Terminator.Switch s) {
            return "switch " + s.value() + " " + Arrays.toString(s.keys()) + " -> " + s.targets() + " default " + s.defaultTarget();
        }
        return String.valueOf(t);
    }
}
