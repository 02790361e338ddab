package ai.kimitornado.tasks.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.emit.opencl.OpenClEmitter.EmittedKernel;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.jit.ParallelDim;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.ByteArray;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import ai.kimitornado.tasks.types.arrays.ShortArray;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue entry: compiles through the front end and the OpenCL emitter, builds on the first OpenCL
 * device (PoCL in CI), and matches plain Java on fresh random inputs — once with a grid covering every iteration
 * and, for @Parallel kernels, once with a tiny grid (grid-stride loops must still cover everything).
 */
class CatalogueTest {
    private static ClHarness cl;

    @BeforeAll
    static void open() {
        cl = ClHarness.openOrNull();
        if (cl != null) {
            System.out.println("OpenCL device: " + cl.deviceName);
        }
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    static Stream<CatalogueEntry> entries() {
        return Catalogue.ENTRIES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void compilesToOpenCl(CatalogueEntry e) {
        KernelIR ir = KernelCompiler.frontEnd(e.kernel());
        EmittedKernel k = OpenClEmitter.emit(ir);
        assertFalse(k.source().isBlank());
        assertEquals(e.grid() == null, !ir.parallelDims().isEmpty() || !ir.usesKernelContext(), e.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void matchesJavaOnOpenCl(CatalogueEntry e) {
        Assumptions.assumeTrue(cl != null, "no OpenCL device");
        KernelIR ir = KernelCompiler.frontEnd(e.kernel());
        EmittedKernel k = OpenClEmitter.emit(ir);
        long seed = System.nanoTime();
        System.out.println(e.name() + " seed=" + seed);
        Object[] expected = e.arguments().apply(seed);
        JavaReference.run(e, expected);
        if (e.grid() != null) {
            Object[] actual = e.arguments().apply(seed);
            cl.run(ir, k, actual, e.grid().global(), e.grid().local());
            compare(e, ir, expected, actual, "grid " + java.util.Arrays.toString(e.grid().global()));
            return;
        }
        for (boolean tiny : new boolean[] {false, true}) {
            Object[] actual = e.arguments().apply(seed);
            List<ParallelDim> dims = ir.parallelDims();
            long[] global = new long[dims.size()];
            for (ParallelDim d : dims) {
                global[d.dim()] = tiny ? 3 : Math.max(1, d.boundsKnown() ? d.iterations(actual) : 64);
            }
            cl.run(ir, k, actual, global, null);
            compare(e, ir, expected, actual, "global " + java.util.Arrays.toString(global));
        }
    }

    private static void compare(CatalogueEntry e, KernelIR ir, Object[] expected, Object[] actual, String how) {
        for (KernelParam p : ir.params()) {
            if (p.kind() != KernelParam.Kind.ARRAY || !p.written()) {
                continue;
            }
            Object x = expected[p.index()], y = actual[p.index()];
            String where = e.name() + " (" + how + ") output '" + p.name() + "'";
            switch (x) {
                case FloatArray a -> {
                    FloatArray b = (FloatArray) y;
                    for (int i = 0; i < a.getSize(); i++) {
                        checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    }
                }
                case DoubleArray a -> {
                    DoubleArray b = (DoubleArray) y;
                    for (int i = 0; i < a.getSize(); i++) {
                        checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    }
                }
                case IntArray a -> assertEquals(List.of(box(a.toHeapArray())), List.of(box(((IntArray) y).toHeapArray())), where);
                case LongArray a -> {
                    long[] p1 = a.toHeapArray(), q = ((LongArray) y).toHeapArray();
                    for (int i = 0; i < p1.length; i++) {
                        if (p1[i] != q[i]) {
                            fail(where + "[" + i + "]: java " + p1[i] + " (0x" + Long.toHexString(p1[i]) + ") device "
                                    + q[i] + " (0x" + Long.toHexString(q[i]) + ")");
                        }
                    }
                }
                case ShortArray a -> assertEquals(java.util.Arrays.toString(a.toHeapArray()),
                        java.util.Arrays.toString(((ShortArray) y).toHeapArray()), where);
                case ByteArray a -> assertEquals(java.util.Arrays.toString(a.toHeapArray()),
                        java.util.Arrays.toString(((ByteArray) y).toHeapArray()), where);
                case HalfFloatArray a -> assertEquals(java.util.Arrays.toString(a.toBitsArray()),
                        java.util.Arrays.toString(((HalfFloatArray) y).toBitsArray()), where);
                case BFloat16Array a -> assertEquals(java.util.Arrays.toString(a.toBitsArray()),
                        java.util.Arrays.toString(((BFloat16Array) y).toBitsArray()), where);
                default -> fail("unexpected output type " + x);
            }
        }
    }

    private static Integer[] box(int[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
    }

    private static void checkFloat(double java, double device, double tol, String where, int i) {
        if (Double.isNaN(java) && Double.isNaN(device)) {
            return;
        }
        boolean ok = tol == 0
                ? Double.doubleToLongBits(java) == Double.doubleToLongBits(device)
                : Math.abs(java - device) <= tol * Math.max(1, Math.abs(java)) || java == device;
        if (!ok) {
            fail(where + "[" + i + "]: java " + java + " device " + device + " (tolerance " + tol + ")");
        }
    }
}
