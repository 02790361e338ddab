package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.ir.ArrayRef;

/**
 * Atomic add with the old value returned, like KernelContext.atomicAdd: OpAtomicIAdd for int and long
 * (Int64Atomics), and for float a compare-exchange loop on the 32-bit pattern, since SPIR-V 1.0 for
 * OpenCL has no float atomic add. Device scope, sequentially consistent (Java's VarHandle getAndAdd).
 */
final class SpirvAtomics {
    private final SpirvFunction f;
    private final SpirvModule m;
    private final SpirvTypes t;

    SpirvAtomics(SpirvFunction f, SpirvTypes types) {
        this.f = f;
        this.m = f.module();
        this.t = types;
    }

    int add(int pointer, ArrayRef array, int value) {
        Spv.StorageClass storage = array.space() == ArrayRef.Space.GLOBAL ? Spv.StorageClass.CrossWorkgroup : Spv.StorageClass.Workgroup;
        int memory = storage == Spv.StorageClass.CrossWorkgroup ? Spv.SEMANTICS_CROSS_WORKGROUP_MEMORY : Spv.SEMANTICS_WORKGROUP_MEMORY;
        int scope = m.constantI32(storage == Spv.StorageClass.CrossWorkgroup ? Spv.SCOPE_DEVICE : Spv.SCOPE_WORKGROUP);
        int semantics = m.constantI32(Spv.SEMANTICS_SEQ_CST | memory);
        return switch (array.elem()) {
            case INT -> f.op(SpirvOp.AtomicIAdd, t.i32, pointer, scope, semantics, value);
            case LONG -> {
                m.capability(Spv.Capability.Int64Atomics);
                yield f.op(SpirvOp.AtomicIAdd, t.i64, pointer, scope, semantics, value);
            }
            case FLOAT -> floatAdd(pointer, storage, scope, semantics, value);
            default -> throw new IllegalStateException("atomicAdd on " + array.elem() + " arrays is not supported");
        };
    }

    /** loop: expected = load; desired = bits(float(expected) + value); CAS; retry until it saw expected. */
    private int floatAdd(int pointer, Spv.StorageClass storage, int scope, int semantics, int value) {
        int intPointer = f.op(SpirvOp.Bitcast, t.pointer(storage, t.i32), pointer);
        int loop = m.newId();
        int done = m.newId();
        f.branch(loop);
        f.block(loop);
        int expected = f.op(SpirvOp.AtomicLoad, t.i32, intPointer, scope, semantics);
        int sum = f.op(SpirvOp.FAdd, t.f32, f.op(SpirvOp.Bitcast, t.f32, expected), value);
        int desired = f.op(SpirvOp.Bitcast, t.i32, sum);
        int seen = f.op(SpirvOp.AtomicCompareExchange, t.i32, intPointer, scope, semantics,
                m.constantI32(Spv.SEMANTICS_NONE), desired, expected);
        f.branchConditional(f.op(SpirvOp.IEqual, t.bool, seen, expected), done, loop);
        f.block(done);
        return f.op(SpirvOp.Bitcast, t.f32, expected);
    }
}
