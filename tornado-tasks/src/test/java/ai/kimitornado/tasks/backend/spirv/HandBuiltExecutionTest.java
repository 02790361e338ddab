package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.backend.opencl.ClBuffer;
import ai.kimitornado.tasks.backend.opencl.ClProgram;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.emit.spirv.HandBuiltModulesAccess;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-built modules run on PoCL through llvm-spirv: proves the translator route end to end. */
class HandBuiltExecutionTest {
    private static MiniOpenCl cl;

    @BeforeAll
    static void open() {
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

    private static byte[] bitcode(byte[] module) {
        SpirvTools.Result result = SpirvTools.translateToSpirBitcode(module);
        assertTrue(result.ok(), result::describe);
        return result.outputFile();
    }

    private static MemorySegment randomFloats(Random random, int n) {
        MemorySegment s = cl.arena().allocate(JAVA_FLOAT, n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(JAVA_FLOAT, i, random.nextFloat() * 2 - 1);
        }
        return s;
    }

    private static MemorySegment nans(int n) {
        MemorySegment s = cl.arena().allocate(JAVA_FLOAT, n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(JAVA_FLOAT, i, Float.NaN);
        }
        return s;
    }

    @Test
    void vectorAddRunsOnPocl() throws Throwable {
        long seed = System.nanoTime();
        System.out.println("HandBuiltExecutionTest.vectorAdd seed=" + seed);
        Random random = new Random(seed);
        int n = 1000;
        MemorySegment a = randomFloats(random, n);
        MemorySegment b = randomFloats(random, n);
        MemorySegment c = nans(n);
        ClProgram kernel = cl.kernel(bitcode(HandBuiltModulesAccess.vectorAdd()), "vadd");
        ClBuffer da = cl.buffer(a);
        ClBuffer db = cl.buffer(b);
        ClBuffer dc = cl.buffer(c);
        cl.argBuffer(kernel, 0, da);
        cl.argBuffer(kernel, 1, db);
        cl.argBuffer(kernel, 2, dc);
        cl.arg(kernel, 3, cl.scalarInt(n));
        cl.run(kernel, new long[]{1024}, null); // more items than elements: the guard must hold
        cl.read(dc, c);
        for (int i = 0; i < n; i++) {
            assertEquals(a.getAtIndex(JAVA_FLOAT, i) + b.getAtIndex(JAVA_FLOAT, i), c.getAtIndex(JAVA_FLOAT, i), "c[" + i + "]");
        }
    }

    @Test
    void localReductionRunsOnPocl() throws Throwable {
        long seed = System.nanoTime();
        System.out.println("HandBuiltExecutionTest.localReduction seed=" + seed);
        Random random = new Random(seed);
        int group = HandBuiltModulesAccess.REDUCE_GROUP;
        int groups = 8;
        MemorySegment in = randomFloats(random, group * groups);
        MemorySegment out = nans(groups);
        ClProgram kernel = cl.kernel(bitcode(HandBuiltModulesAccess.localReduction()), "reduce");
        ClBuffer din = cl.buffer(in);
        ClBuffer dout = cl.buffer(out);
        cl.argBuffer(kernel, 0, din);
        cl.argBuffer(kernel, 1, dout);
        cl.run(kernel, new long[]{(long) group * groups}, new long[]{group});
        cl.read(dout, out);
        for (int g = 0; g < groups; g++) {
            double expected = 0;
            for (int i = 0; i < group; i++) {
                expected += in.getAtIndex(JAVA_FLOAT, (long) g * group + i);
            }
            assertEquals(expected, out.getAtIndex(JAVA_FLOAT, g), 1e-4, "group " + g);
        }
    }
}
