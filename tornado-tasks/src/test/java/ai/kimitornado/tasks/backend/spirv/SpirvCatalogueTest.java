package ai.kimitornado.tasks.backend.spirv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.catalogue.JavaReference;
import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
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
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue entry as SPIR-V: the module passes spirv-val, and, translated with llvm-spirv-15 and
 * loaded as SPIR 1.2 bitcode on a cl_khr_spir device (PoCL in CI), matches the method run as plain Java on
 * fresh random inputs (seed printed, outputs poisoned by the generators) — with a grid covering every
 * iteration and, for @Parallel kernels, a tiny one (grid-stride loops must still cover everything).
 */
class SpirvCatalogueTest {
    private static MiniOpenCl cl;

    @BeforeAll
    static void open() {
        if (SpirvTools.findTranslator().isEmpty()) {
            System.out.println("SpirvCatalogueTest: llvm-spirv-15 not on PATH, translator-route execution skipped");
            return;
        }
        cl = MiniOpenCl.open();
        if (cl == null) {
            System.out.println("SpirvCatalogueTest: no OpenCL device with cl_khr_spir, execution skipped");
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
    void emitsValidSpirv(CatalogueEntry e) {
        assumeTrue(SpirvTools.find("spirv-val").isPresent(), "spirv-val not on PATH (Debian spirv-tools): validation skipped");
        byte[] module = SpirvEmitter.emit(KernelCompiler.frontEnd(e.kernel())).module();
        SpirvTools.Result valid = SpirvTools.validate(module);
        assertTrue(valid.ok(), () -> e.name() + ": " + valid.describe() + "\n" + SpirvTools.disassemble(module).stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void matchesJavaThroughTranslator(CatalogueEntry e) throws Throwable {
        assumeTrue(cl != null, "translator route unavailable (llvm-spirv-15 or a cl_khr_spir device missing)");
        KernelIR ir = KernelCompiler.frontEnd(e.kernel());
        SpirvEmitter.EmittedSpirv emitted = SpirvEmitter.emit(ir);
        SpirvTools.Result translated = SpirvTools.translateToSpirBitcode(emitted.module());
        assertTrue(translated.ok(), () -> e.name() + ": " + translated.describe());
        MemorySegment kernel = cl.kernel(translated.outputFile(), emitted.entryName());
        long seed = System.nanoTime();
        System.out.println("spirv " + e.name() + " seed=" + seed);
        Object[] expected = e.arguments().apply(seed);
        JavaReference.run(e, expected);
        if (e.grid() != null) {
            Object[] actual = e.arguments().apply(seed);
            cl.runIr(ir, kernel, actual, e.grid().global(), e.grid().local());
            compare(e, ir, expected, actual, "grid " + Arrays.toString(e.grid().global()));
            return;
        }
        for (boolean tiny : new boolean[]{false, true}) {
            Object[] actual = e.arguments().apply(seed);
            List<ParallelDim> dims = ir.parallelDims();
            long[] global = new long[Math.max(1, dims.size())];
            Arrays.fill(global, 1);
            for (ParallelDim d : dims) {
                global[d.dim()] = tiny ? 3 : Math.max(1, d.boundsKnown() ? d.iterations(actual) : 64);
            }
            cl.runIr(ir, kernel, actual, global, null);
            compare(e, ir, expected, actual, "global " + Arrays.toString(global));
        }
    }

    private static void compare(CatalogueEntry e, KernelIR ir, Object[] expected, Object[] actual, String how) {
        for (KernelParam p : ir.params()) {
            if (p.kind() != KernelParam.Kind.ARRAY || !p.written()) {
                continue;
            }
            String where = "spirv " + e.name() + " (" + how + ") output '" + p.name() + "'";
            switch (expected[p.index()]) {
                case FloatArray a -> {
                    FloatArray b = (FloatArray) actual[p.index()];
                    for (int i = 0; i < a.getSize(); i++) {
                        checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    }
                }
                case DoubleArray a -> {
                    DoubleArray b = (DoubleArray) actual[p.index()];
                    for (int i = 0; i < a.getSize(); i++) {
                        checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    }
                }
                case IntArray a -> assertEquals(Arrays.toString(a.toHeapArray()),
                        Arrays.toString(((IntArray) actual[p.index()]).toHeapArray()), where);
                case LongArray a -> {
                    long[] java = a.toHeapArray();
                    long[] device = ((LongArray) actual[p.index()]).toHeapArray();
                    for (int i = 0; i < java.length; i++) {
                        if (java[i] != device[i]) {
                            fail(where + "[" + i + "]: java " + java[i] + " (0x" + Long.toHexString(java[i]) + ") device "
                                    + device[i] + " (0x" + Long.toHexString(device[i]) + ")");
                        }
                    }
                }
                case ShortArray a -> assertEquals(Arrays.toString(a.toHeapArray()),
                        Arrays.toString(((ShortArray) actual[p.index()]).toHeapArray()), where);
                case ByteArray a -> assertEquals(Arrays.toString(a.toHeapArray()),
                        Arrays.toString(((ByteArray) actual[p.index()]).toHeapArray()), where);
                case HalfFloatArray a -> assertEquals(Arrays.toString(a.toBitsArray()),
                        Arrays.toString(((HalfFloatArray) actual[p.index()]).toBitsArray()), where);
                case BFloat16Array a -> assertEquals(Arrays.toString(a.toBitsArray()),
                        Arrays.toString(((BFloat16Array) actual[p.index()]).toBitsArray()), where);
                default -> fail(where + ": unexpected output type " + expected[p.index()]);
            }
        }
    }

    /** Tolerance 0: bit-exact (NaNs equal); otherwise relative to max(1, |java|). */
    private static void checkFloat(double java, double device, double tolerance, String where, int i) {
        if (Double.isNaN(java) && Double.isNaN(device)) {
            return;
        }
        boolean ok = tolerance == 0
                ? Double.doubleToLongBits(java) == Double.doubleToLongBits(device)
                : java == device || Math.abs(java - device) <= tolerance * Math.max(1, Math.abs(java));
        if (!ok) {
            fail(where + "[" + i + "]: java " + java + " device " + device + " (tolerance " + tolerance + ")");
        }
    }
}
