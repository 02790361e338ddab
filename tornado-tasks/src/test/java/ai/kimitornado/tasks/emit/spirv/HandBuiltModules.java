package ai.kimitornado.tasks.emit.spirv;

import static ai.kimitornado.tasks.emit.spirv.Spv.StorageClass.CrossWorkgroup;
import static ai.kimitornado.tasks.emit.spirv.Spv.StorageClass.Function;
import static ai.kimitornado.tasks.emit.spirv.Spv.StorageClass.Workgroup;

/** Two kernels written directly with the module writer, to prove writer → spirv-val → llvm-spirv → PoCL. */
final class HandBuiltModules {
    static final int REDUCE_GROUP = 64;

    private HandBuiltModules() {
    }

    /** {@code vadd(float* a, float* b, float* c, int n)}: c[i] = a[i] + b[i] for i = get_global_id(0) < n. */
    static byte[] vectorAdd() {
        SpirvModule m = new SpirvModule();
        int tVoid = m.typeVoid();
        int tF32 = m.typeFloat(32);
        int tI32 = m.typeInt(32);
        int tI64 = m.typeInt(64);
        int tBool = m.typeBool();
        int tPtrF = m.typePointer(CrossWorkgroup, tF32);
        int tVec3 = m.typeVector(tI64, 3);
        SpirvFunction f = m.function(tVoid, m.typeFunction(tVoid, tPtrF, tPtrF, tPtrF, tI32), "vadd");
        int a = f.parameter(tPtrF);
        int b = f.parameter(tPtrF);
        int c = f.parameter(tPtrF);
        int n = f.parameter(tI32);
        int gidVar = m.builtIn(Spv.BuiltIn.GlobalInvocationId);
        int entry = m.newId();
        int body = m.newId();
        int exit = m.newId();
        f.block(entry);
        int gid = f.op(SpirvOp.CompositeExtract, tI64, f.loadAligned(tVec3, gidVar, 32), 0);
        int inRange = f.op(SpirvOp.SLessThan, tBool, gid, f.op(SpirvOp.SConvert, tI64, n));
        f.branchConditional(inRange, body, exit);
        f.block(body);
        int x = f.loadAligned(tF32, f.op(SpirvOp.InBoundsPtrAccessChain, tPtrF, a, gid), 4);
        int y = f.loadAligned(tF32, f.op(SpirvOp.InBoundsPtrAccessChain, tPtrF, b, gid), 4);
        f.storeAligned(f.op(SpirvOp.InBoundsPtrAccessChain, tPtrF, c, gid), f.op(SpirvOp.FAdd, tF32, x, y), 4);
        f.branch(exit);
        f.block(exit);
        f.returnVoid();
        m.kernelEntryPoint(f, "vadd");
        return m.toBinary();
    }

    /**
     * {@code reduce(float* in, float* out)}: each work-group of {@link #REDUCE_GROUP} items sums its slice in
     * local memory with a barrier-separated tree; out[group] = sum. The loop counter is a Function variable,
     * the way the emitter keeps JVM locals.
     */
    static byte[] localReduction() {
        SpirvModule m = new SpirvModule();
        int tVoid = m.typeVoid();
        int tF32 = m.typeFloat(32);
        int tI32 = m.typeInt(32);
        int tI64 = m.typeInt(64);
        int tBool = m.typeBool();
        int tPtrF = m.typePointer(CrossWorkgroup, tF32);
        int tVec3 = m.typeVector(tI64, 3);
        int tLocalArray = m.typeArray(tF32, REDUCE_GROUP);
        int tPtrLocalArray = m.typePointer(Workgroup, tLocalArray);
        int tPtrLocalF = m.typePointer(Workgroup, tF32);
        int tPtrFnI32 = m.typePointer(Function, tI32);
        int scratch = m.globalVariable(tPtrLocalArray, Workgroup);
        m.name(scratch, "scratch");

        SpirvFunction f = m.function(tVoid, m.typeFunction(tVoid, tPtrF, tPtrF), "reduce");
        int in = f.parameter(tPtrF);
        int out = f.parameter(tPtrF);
        int gidVar = m.builtIn(Spv.BuiltIn.GlobalInvocationId);
        int lidVar = m.builtIn(Spv.BuiltIn.LocalInvocationId);
        int wgVar = m.builtIn(Spv.BuiltIn.WorkgroupId);
        int entry = m.newId();
        int loopHead = m.newId();
        int loopBody = m.newId();
        int doAdd = m.newId();
        int afterAdd = m.newId();
        int loopExit = m.newId();
        int writeOut = m.newId();
        int done = m.newId();
        int workgroup = m.constantI32(Spv.SCOPE_WORKGROUP);
        int semantics = m.constantI32(Spv.SEMANTICS_SEQ_CST | Spv.SEMANTICS_WORKGROUP_MEMORY);
        int zero64 = m.constantI64(0);

        f.block(entry);
        int stride = f.variable(tPtrFnI32);
        int gid = f.op(SpirvOp.CompositeExtract, tI64, f.load(tVec3, gidVar), 0);
        int lid = f.op(SpirvOp.CompositeExtract, tI64, f.load(tVec3, lidVar), 0);
        int value = f.load(tF32, f.op(SpirvOp.InBoundsPtrAccessChain, tPtrF, in, gid));
        f.store(f.op(SpirvOp.InBoundsPtrAccessChain, tPtrLocalF, scratch, zero64, lid), value);
        f.opVoid(SpirvOp.ControlBarrier, workgroup, workgroup, semantics);
        f.store(stride, m.constantI32(REDUCE_GROUP / 2));
        f.branch(loopHead);

        f.block(loopHead);
        int s = f.load(tI32, stride);
        f.branchConditional(f.op(SpirvOp.SGreaterThan, tBool, s, m.constantI32(0)), loopBody, loopExit);

        f.block(loopBody);
        int s64 = f.op(SpirvOp.SConvert, tI64, s);
        f.branchConditional(f.op(SpirvOp.SLessThan, tBool, lid, s64), doAdd, afterAdd);
        f.block(doAdd);
        int mine = f.op(SpirvOp.InBoundsPtrAccessChain, tPtrLocalF, scratch, zero64, lid);
        int other = f.op(SpirvOp.InBoundsPtrAccessChain, tPtrLocalF, scratch, zero64, f.op(SpirvOp.IAdd, tI64, lid, s64));
        f.store(mine, f.op(SpirvOp.FAdd, tF32, f.load(tF32, mine), f.load(tF32, other)));
        f.branch(afterAdd);
        f.block(afterAdd);
        f.opVoid(SpirvOp.ControlBarrier, workgroup, workgroup, semantics);
        f.store(stride, f.op(SpirvOp.ShiftRightArithmetic, tI32, s, m.constantI32(1)));
        f.branch(loopHead);

        f.block(loopExit);
        f.branchConditional(f.op(SpirvOp.IEqual, tBool, lid, zero64), writeOut, done);
        f.block(writeOut);
        int group = f.op(SpirvOp.CompositeExtract, tI64, f.load(tVec3, wgVar), 0);
        int total = f.load(tF32, f.op(SpirvOp.InBoundsPtrAccessChain, tPtrLocalF, scratch, zero64, zero64));
        f.store(f.op(SpirvOp.InBoundsPtrAccessChain, tPtrF, out, group), total);
        f.branch(done);
        f.block(done);
        f.returnVoid();
        m.kernelEntryPoint(f, "reduce");
        return m.toBinary();
    }
}
