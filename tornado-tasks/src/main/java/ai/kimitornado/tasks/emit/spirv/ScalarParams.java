package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.ir.Reg;

/** Where the IR keeps a scalar parameter's value: the register the front end assigned to the parameter. */
final class ScalarParams {
    private ScalarParams() {
    }

    static Reg registerOf(KernelIR ir, KernelParam param) {
        for (Reg reg : ir.registers()) {
            if (reg.name().equals(param.name()) && reg.type() == param.elem().registerType()) {
                return reg;
            }
        }
        return null;
    }
}
