package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.backend.opencl.ClBuffer;
import ai.kimitornado.tasks.backend.opencl.ClProgram;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Ops;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The corners where Java and C differ, lowered from hand-written IR and run on PoCL through the
 * translator: division/remainder by 0 and -1, masked shifts, saturating float→int with NaN, Math.min/max
 * with NaN and signed zeros, fp16 round trips, and atomics.
 */
class JavaSemanticsOnPoclTest {
    private static final int N = 256;
    private static MiniOpenCl cl;

    @BeforeAll
    static void open() {
        assumeTrue(SpirvTools.find("spirv-val").isPresent(), "spirv-val not on PATH: skipped");
        assumeTrue(SpirvTools.findTranslator().isPresent(), "llvm-spirv-15 not on PATH: translator route skipped");
        cl = MiniOpenCl.open();
        assumeTrue(cl != null, "no OpenCL device with cl_khr_spir: translator route skipped");
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    private static final int[] SPECIAL_INTS = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 33, -33, 63, 64};
    private static final float[] SPECIAL_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.0f, -0.0f,
            3e9f, -3e9f, 1e20f, -1e20f, 2.5f, -2.5f, 65504f, 65520f, 1e-8f, 5.9604645e-8f, 0.1f};

    private static MemorySegment segment(ValueLayout layout) {
        return cl.arena().allocate(layout, N);
    }

    private static MemorySegment poisoned(ValueLayout layout) {
        MemorySegment s = segment(layout);
        for (int i = 0; i < N; i++) {
            if (layout == JAVA_FLOAT) {
                s.setAtIndex(JAVA_FLOAT, i, Float.NaN);
            } else if (layout == JAVA_LONG) {
                s.setAtIndex(JAVA_LONG, i, 0xDEADBEEFDEADBEEFL);
            } else {
                s.setAtIndex(JAVA_INT, i, 0xDEADBEEF);
            }
        }
        return s;
    }

    private static byte[] bitcode(KernelIR ir) {
        byte[] module = SpirvEmitter.emit(ir).module();
        SpirvTools.Result valid = SpirvTools.validate(module);
        assertTrue(valid.ok(), () -> valid.describe() + "\n" + SpirvTools.disassemble(module).stdout());
        SpirvTools.Result result = SpirvTools.translateToSpirBitcode(module);
        assertTrue(result.ok(), result::describe);
        return result.outputFile();
    }

    @Test
    void arithmeticCornersMatchJava() throws Throwable {
        long seed = System.nanoTime();
        System.out.println("JavaSemanticsOnPoclTest.arithmetic seed=" + seed);
        Random random = new Random(seed);

        IrBuilder b = new IrBuilder("corners");
        ArrayRef a = b.array("a", ElemType.INT);
        ArrayRef d = b.array("d", ElemType.INT);
        ArrayRef x = b.array("x", ElemType.FLOAT);
        ArrayRef y = b.array("y", ElemType.FLOAT);
        ArrayRef q = b.array("q", ElemType.INT);
        ArrayRef r = b.array("r", ElemType.INT);
        ArrayRef shl = b.array("shl", ElemType.INT);
        ArrayRef ushr = b.array("ushr", ElemType.INT);
        ArrayRef f2i = b.array("f2i", ElemType.INT);
        ArrayRef f2l = b.array("f2l", ElemType.LONG);
        ArrayRef mn = b.array("mn", ElemType.FLOAT);
        ArrayRef mx = b.array("mx", ElemType.FLOAT);
        ArrayRef half = b.array("half", ElemType.INT);
        ArrayRef back = b.array("back", ElemType.FLOAT);
        ArrayRef ldiv = b.array("ldiv", ElemType.LONG);
        ArrayRef lshr = b.array("lshr", ElemType.LONG);
        Reg gid = b.globalId();
        Reg va = b.load(a, gid);
        Reg vd = b.load(d, gid);
        Reg vx = b.load(x, gid);
        Reg vy = b.load(y, gid);
        b.store(q, gid, b.binary(Ops.BinOp.DIV, Type.I32, va, vd));
        b.store(r, gid, b.binary(Ops.BinOp.REM, Type.I32, va, vd));
        b.store(shl, gid, b.binary(Ops.BinOp.SHL, Type.I32, va, vd));
        b.store(ushr, gid, b.binary(Ops.BinOp.USHR, Type.I32, va, vd));
        b.store(f2i, gid, b.convert(Ops.ConvOp.F2I, Type.I32, vx));
        b.store(f2l, gid, b.convert(Ops.ConvOp.F2L, Type.I64, vx));
        b.store(mn, gid, b.math(Ops.MathOp.MIN, Type.F32, vx, vy));
        b.store(mx, gid, b.math(Ops.MathOp.MAX, Type.F32, vx, vy));
        Reg h = b.convert(Ops.ConvOp.F2HALF, Type.I32, vx);
        b.store(half, gid, h);
        b.store(back, gid, b.convert(Ops.ConvOp.HALF2F, Type.F32, h));
        Reg la = b.convert(Ops.ConvOp.I2L, Type.I64, va);
        Reg ld = b.convert(Ops.ConvOp.I2L, Type.I64, vd);
        Reg big = b.binary(Ops.BinOp.MUL, Type.I64, la, Const.i64(1L << 33));
        b.store(ldiv, gid, b.binary(Ops.BinOp.DIV, Type.I64, big, ld));
        b.store(lshr, gid, b.binary(Ops.BinOp.SHR, Type.I64, big, vd));
        KernelIR ir = b.finish(false);

        int[] ai = new int[N];
        int[] di = new int[N];
        float[] xf = new float[N];
        float[] yf = new float[N];
        for (int i = 0; i < N; i++) {
            ai[i] = i < SPECIAL_INTS.length * SPECIAL_INTS.length ? SPECIAL_INTS[i % SPECIAL_INTS.length] : random.nextInt();
            di[i] = i < SPECIAL_INTS.length * SPECIAL_INTS.length ? SPECIAL_INTS[i / SPECIAL_INTS.length] : random.nextInt(200) - 100;
            xf[i] = i < SPECIAL_FLOATS.length * SPECIAL_FLOATS.length ? SPECIAL_FLOATS[i % SPECIAL_FLOATS.length] : (random.nextFloat() - 0.5f) * 1e6f;
            yf[i] = i < SPECIAL_FLOATS.length * SPECIAL_FLOATS.length ? SPECIAL_FLOATS[i / SPECIAL_FLOATS.length] : (random.nextFloat() - 0.5f) * 1e6f;
        }
        MemorySegment[] host = new MemorySegment[16];
        host[0] = cl.arena().allocateFrom(JAVA_INT, ai);
        host[1] = cl.arena().allocateFrom(JAVA_INT, di);
        host[2] = cl.arena().allocateFrom(JAVA_FLOAT, xf);
        host[3] = cl.arena().allocateFrom(JAVA_FLOAT, yf);
        ValueLayout[] outLayouts = {JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT,
                JAVA_INT, JAVA_FLOAT, JAVA_LONG, JAVA_LONG};
        for (int k = 0; k < outLayouts.length; k++) {
            host[4 + k] = poisoned(outLayouts[k]);
        }
        ClProgram kernel = cl.kernel(bitcode(ir), "corners");
        ClBuffer[] device = new ClBuffer[16];
        for (int k = 0; k < 16; k++) {
            device[k] = cl.buffer(host[k]);
            cl.argBuffer(kernel, k, device[k]);
        }
        cl.run(kernel, new long[]{N}, null);
        for (int k = 4; k < 16; k++) {
            cl.read(device[k], host[k]);
        }
        for (int i = 0; i < N; i++) {
            int av = ai[i], dv = di[i];
            float xv = xf[i], yv = yf[i];
            String at = " at i=" + i + " a=" + av + " d=" + dv + " x=" + xv + " y=" + yv;
            assertEquals(dv == 0 ? 0 : av / dv, host[4].getAtIndex(JAVA_INT, i), "div" + at);
            assertEquals(dv == 0 ? 0 : av % dv, host[5].getAtIndex(JAVA_INT, i), "rem" + at);
            assertEquals(av << dv, host[6].getAtIndex(JAVA_INT, i), "shl" + at);
            assertEquals(av >>> dv, host[7].getAtIndex(JAVA_INT, i), "ushr" + at);
            assertEquals((int) xv, host[8].getAtIndex(JAVA_INT, i), "f2i" + at);
            assertEquals((long) xv, host[9].getAtIndex(JAVA_LONG, i), "f2l" + at);
            assertEquals(Float.floatToIntBits(Math.min(xv, yv)), Float.floatToIntBits(host[10].getAtIndex(JAVA_FLOAT, i)), "min" + at);
            assertEquals(Float.floatToIntBits(Math.max(xv, yv)), Float.floatToIntBits(host[11].getAtIndex(JAVA_FLOAT, i)), "max" + at);
            short h16 = Float.floatToFloat16(xv);
            if (!Float.isNaN(xv)) {
                assertEquals(h16, host[12].getAtIndex(JAVA_INT, i), "f2half" + at);
                assertEquals(Float.float16ToFloat(h16), host[13].getAtIndex(JAVA_FLOAT, i), "half2f" + at);
            } else {
                assertTrue(Float.isNaN(Float.float16ToFloat((short) host[12].getAtIndex(JAVA_INT, i))), "f2half NaN" + at);
                assertTrue(Float.isNaN(host[13].getAtIndex(JAVA_FLOAT, i)), "half2f NaN" + at);
            }
            long bigv = (long) av * (1L << 33);
            assertEquals(dv == 0 ? 0 : bigv / dv, host[14].getAtIndex(JAVA_LONG, i), "ldiv" + at);
            assertEquals(bigv >> dv, host[15].getAtIndex(JAVA_LONG, i), "lshr" + at);
        }
    }

    @Test
    void atomicAddsMatchJava() throws Throwable {
        long seed = System.nanoTime();
        System.out.println("JavaSemanticsOnPoclTest.atomics seed=" + seed);
        Random random = new Random(seed);
        IrBuilder b = new IrBuilder("atomics");
        ArrayRef in = b.array("in", ElemType.INT);
        ArrayRef fin = b.array("fin", ElemType.FLOAT);
        ArrayRef isum = b.array("isum", ElemType.INT);
        ArrayRef lsum = b.array("lsum", ElemType.LONG);
        ArrayRef fsum = b.array("fsum", ElemType.FLOAT);
        Reg gid = b.globalId();
        Reg bucket = b.binary(Ops.BinOp.AND, Type.I32, gid, Const.i32(3));
        Reg v = b.load(in, gid);
        Reg fv = b.load(fin, gid);
        b.emit(Type.I32, r -> new Instr.AtomicAdd(r, isum, bucket, v));
        Reg lv = b.convert(Ops.ConvOp.I2L, Type.I64, v);
        b.emit(Type.I64, r -> new Instr.AtomicAdd(r, lsum, bucket, lv));
        b.emit(Type.F32, r -> new Instr.AtomicAdd(r, fsum, bucket, fv));
        KernelIR ir = b.finish(true);

        int[] values = new int[N];
        float[] fvalues = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = random.nextInt();
            fvalues[i] = random.nextInt(1000) / 8f; // exact in float whatever the order
        }
        MemorySegment hin = cl.arena().allocateFrom(JAVA_INT, values);
        MemorySegment hfin = cl.arena().allocateFrom(JAVA_FLOAT, fvalues);
        MemorySegment hisum = cl.arena().allocate(JAVA_INT, 4);
        MemorySegment hlsum = cl.arena().allocate(JAVA_LONG, 4);
        MemorySegment hfsum = cl.arena().allocate(JAVA_FLOAT, 4);
        ClProgram kernel = cl.kernel(bitcode(ir), "atomics");
        ClBuffer[] dev = {cl.buffer(hin), cl.buffer(hfin), cl.buffer(hisum), cl.buffer(hlsum), cl.buffer(hfsum)};
        for (int k = 0; k < dev.length; k++) {
            cl.argBuffer(kernel, k, dev[k]);
        }
        cl.run(kernel, new long[]{N}, new long[]{32});
        cl.read(dev[2], hisum);
        cl.read(dev[3], hlsum);
        cl.read(dev[4], hfsum);
        for (int bucketIndex = 0; bucketIndex < 4; bucketIndex++) {
            int isumExpected = 0;
            long lsumExpected = 0;
            float fsumExpected = 0;
            for (int i = bucketIndex; i < N; i += 4) {
                isumExpected += values[i];
                lsumExpected += values[i];
                fsumExpected += fvalues[i];
            }
            assertEquals(isumExpected, hisum.getAtIndex(JAVA_INT, bucketIndex), "int bucket " + bucketIndex);
            assertEquals(lsumExpected, hlsum.getAtIndex(JAVA_LONG, bucketIndex), "long bucket " + bucketIndex);
            assertEquals(fsumExpected, hfsum.getAtIndex(JAVA_FLOAT, bucketIndex), "float bucket " + bucketIndex);
        }
    }

    /** Loop, switch, PRED register, select, local array and barrier: the control-flow shapes the front end makes. */
    @Test
    void controlFlowAndLocalMemoryMatchJava() throws Throwable {
        long seed = System.nanoTime();
        System.out.println("JavaSemanticsOnPoclTest.controlFlow seed=" + seed);
        Random random = new Random(seed);
        int group = 64;
        IrBuilder b = new IrBuilder("flow");
        ArrayRef in = b.array("in", ElemType.INT);
        ArrayRef out = b.array("out", ElemType.INT);
        Reg n = b.reg(Type.I32);
        b.scalarParam("n", ElemType.INT, n);
        ArrayRef lm = b.local(ElemType.INT, group);
        Reg gid = b.globalId();
        Reg lid = b.emit(Type.I32, r -> new Instr.WorkItem(r, Ops.Builtin.LOCAL_ID, 0));
        Reg x = b.load(in, gid);
        Reg acc = b.reg(Type.I32);
        Reg i = b.reg(Type.I32);
        b.current.instrs().add(new Instr.Move(acc, Const.i32(0)));
        b.current.instrs().add(new Instr.Move(i, Const.i32(0)));
        var head = b.newBlock();
        var body = b.newBlock();
        var caseA = b.newBlock();
        var caseB = b.newBlock();
        var caseC = b.newBlock();
        var caseD = b.newBlock();
        var latch = b.newBlock();
        var exit = b.newBlock();
        b.current.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(head));
        b.current = head;
        Reg more = b.emit(Type.PRED, r -> new Instr.Compare(r, Ops.CmpOp.LT, i, n));
        head.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Branch(more, body, exit));
        b.current = body;
        Reg sel = b.binary(Ops.BinOp.AND, Type.I32, x, Const.i32(3));
        body.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Switch(sel, new int[]{0, 1, 2}, java.util.List.of(caseA, caseB, caseC), caseD));
        caseA.instrs().add(new Instr.Binary(acc, Ops.BinOp.ADD, acc, i));
        caseA.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(latch));
        caseB.instrs().add(new Instr.Binary(acc, Ops.BinOp.XOR, acc, x));
        caseB.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(latch));
        caseC.instrs().add(new Instr.Binary(acc, Ops.BinOp.MUL, acc, Const.i32(3)));
        caseC.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(latch));
        caseD.instrs().add(new Instr.Binary(acc, Ops.BinOp.SUB, acc, Const.i32(1)));
        caseD.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(latch));
        latch.instrs().add(new Instr.Binary(i, Ops.BinOp.ADD, i, Const.i32(1)));
        latch.setTerminator(new ai.kimitornado.tasks.jit.ir.Terminator.Jump(head));
        b.current = exit;
        b.store(lm, lid, acc);
        exit.instrs().add(new Instr.Barrier(Ops.Fence.LOCAL));
        Reg next = b.binary(Ops.BinOp.AND, Type.I32, b.binary(Ops.BinOp.ADD, Type.I32, lid, Const.i32(1)), Const.i32(group - 1));
        Reg other = b.load(lm, next);
        Reg greater = b.emit(Type.PRED, r -> new Instr.Compare(r, Ops.CmpOp.GT, acc, other));
        Reg chosen = b.emit(Type.I32, r -> new Instr.Select(r, greater, acc, other));
        b.store(out, gid, chosen);
        KernelIR ir = b.finish(false);

        int total = group * 4;
        int iterations = 5 + random.nextInt(20);
        int[] values = new int[total];
        for (int k = 0; k < total; k++) {
            values[k] = random.nextInt();
        }
        int[] expectedAcc = new int[total];
        for (int k = 0; k < total; k++) {
            int a = 0;
            for (int it = 0; it < iterations; it++) {
                switch (values[k] & 3) {
                    case 0 -> a += it;
                    case 1 -> a ^= values[k];
                    case 2 -> a *= 3;
                    default -> a -= 1;
                }
            }
            expectedAcc[k] = a;
        }
        MemorySegment hin = cl.arena().allocateFrom(JAVA_INT, values);
        MemorySegment hout = poisoned(JAVA_INT);
        ClProgram kernel = cl.kernel(bitcode(ir), "flow");
        ClBuffer din = cl.buffer(hin);
        ClBuffer dout = cl.buffer(hout);
        cl.argBuffer(kernel, 0, din);
        cl.argBuffer(kernel, 1, dout);
        cl.arg(kernel, 2, cl.scalarInt(iterations));
        cl.run(kernel, new long[]{total}, new long[]{group});
        cl.read(dout, hout);
        for (int k = 0; k < total; k++) {
            int g = k / group * group;
            int mine = expectedAcc[k];
            int theirs = expectedAcc[g + ((k - g + 1) & (group - 1))];
            assertEquals(mine > theirs ? mine : theirs, hout.getAtIndex(JAVA_INT, k), "out[" + k + "] iterations=" + iterations);
        }
    }
}
