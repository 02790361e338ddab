package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.ArrayList;
import java.util.List;

/** Test-only: writes IR by hand (straight-line kernels over global arrays) to test the SPIR-V lowering alone. */
final class IrBuilder {
    private final String name;
    private final List<KernelParam> params = new ArrayList<>();
    private final List<DeviceArg> deviceArgs = new ArrayList<>();
    private final List<Reg> registers = new ArrayList<>();
    private final List<ai.kimitornado.tasks.jit.LocalArray> locals = new ArrayList<>();
    final List<Block> blocks = new ArrayList<>();
    Block current;

    IrBuilder(String name) {
        this.name = name;
        current = newBlock();
    }

    Block newBlock() {
        Block b = new Block(blocks.size());
        blocks.add(b);
        return b;
    }

    ArrayRef array(String paramName, ElemType elem) {
        int index = params.size();
        params.add(new KernelParam(index, paramName, KernelParam.Kind.ARRAY, elem, true, true));
        deviceArgs.add(new DeviceArg(DeviceArg.Kind.ARRAY, index, paramName, null));
        return new ArrayRef(ArrayRef.Space.GLOBAL, elem, index, 0);
    }

    ArrayRef local(ElemType elem, int length) {
        int index = locals.size();
        locals.add(new ai.kimitornado.tasks.jit.LocalArray(index, elem, length));
        return new ArrayRef(ArrayRef.Space.LOCAL, elem, index, length);
    }

    ArrayRef scalarParam(String paramName, ElemType elem, Reg reg) {
        int index = params.size();
        params.add(new KernelParam(index, paramName, KernelParam.Kind.SCALAR, elem, true, false));
        deviceArgs.add(new DeviceArg(DeviceArg.Kind.SCALAR, index, paramName, reg));
        return null;
    }

    Reg reg(Type type) {
        Reg r = new Reg(1000 + registers.size(), type, "t");
        registers.add(r);
        return r;
    }

    Reg emit(Type type, java.util.function.Function<Reg, Instr> make) {
        Reg r = reg(type);
        current.instrs().add(make.apply(r));
        return r;
    }

    Reg globalId() {
        return emit(Type.I32, r -> new Instr.WorkItem(r, Ops.Builtin.GLOBAL_ID, 0));
    }

    Reg load(ArrayRef a, Operand index) {
        return emit(a.elem().registerType(), r -> new Instr.Load(r, a, index));
    }

    void store(ArrayRef a, Operand index, Operand value) {
        current.instrs().add(new Instr.Store(a, index, value));
    }

    Reg binary(Ops.BinOp op, Type type, Operand a, Operand b) {
        return emit(type, r -> new Instr.Binary(r, op, a, b));
    }

    Reg convert(Ops.ConvOp op, Type type, Operand src) {
        return emit(type, r -> new Instr.Convert(r, op, src));
    }

    Reg math(Ops.MathOp op, Type type, Operand... args) {
        return emit(type, r -> new Instr.MathCall(r, op, List.of(args)));
    }

    KernelIR finish(boolean atomics) {
        if (current.terminator() == null) {
            current.setTerminator(new Terminator.Return());
        }
        return new KernelIR(name, null, params, deviceArgs, List.of(), locals, blocks, registers,
                false, false, atomics, false, false, "0".repeat(64));
    }
}
