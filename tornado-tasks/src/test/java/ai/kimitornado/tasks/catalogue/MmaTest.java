package ai.kimitornado.tasks.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.MmaBf16Tile;
import ai.kimitornado.tasks.catalogue.CatalogueEntry.Grid;
import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.jit.KernelCompilationException;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * KernelContext.mmaBf16: the JVM semantics against the tile product written from the matrix definition (not from
 * the fragment layout), a layout test in which every element of A, B and C is distinguishable, the lowerings, and
 * the launch and capability rules. Devices are compared with the JVM by the catalogue entries of {@link MmaKernels}.
 */
class MmaTest {
    private static final int TILES = 4 * MmaKernels.TILES_PER_GROUP;

    /** Runs MmaKernels.tiles on the JVM; a, bt, c per tile as in its javadoc. Returns d. */
    private static FloatArray runTiles(BFloat16Array a, BFloat16Array bt, FloatArray c) {
        FloatArray d = Gen.poisonFloats(TILES * 128);
        CatalogueEntry e = new CatalogueEntry("tiles", KernelRef.of(MmaKernels.class, "tiles"), s -> null,
                Grid.of1d(TILES / MmaKernels.TILES_PER_GROUP * 64L, 64), 0);
        JavaReference.run(e, new Object[] {new KernelContext(), a, bt, c, d});
        return d;
    }

    @Test
    void jvmTilesMatchTheTileProduct() {
        long seed = System.nanoTime();
        System.out.println("MmaTest seed=" + seed);
        Random r = new Random(seed);
        BFloat16Array a = Gen.bf16s(r, TILES * 256, -3, 3), bt = Gen.bf16s(r, TILES * 128, -3, 3);
        FloatArray c = Gen.floats(r, TILES * 128, -8, 8);
        FloatArray d = runTiles(a, bt, c);
        for (int tile = 0; tile < TILES; tile++) {
            short[] ta = new short[256], tb = new short[128];
            float[] tc = new float[128];
            for (int i = 0; i < 16; i++) {
                for (int k = 0; k < 16; k++) {
                    ta[i * 16 + k] = a.getBits(tile * 256 + i * 16 + k);
                }
            }
            for (int k = 0; k < 16; k++) {
                for (int j = 0; j < 8; j++) {
                    tb[k * 8 + j] = bt.getBits(tile * 128 + j * 16 + k); // bt holds B transposed
                }
            }
            for (int i = 0; i < 128; i++) {
                tc[i] = c.get(tile * 128 + i);
            }
            float[] expected = MmaBf16Tile.multiply(ta, tb, tc);
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 8; j++) {
                    double exact = tc[i * 8 + j];
                    for (int k = 0; k < 16; k++) {
                        exact += (double) a.getFloat(tile * 256 + i * 16 + k) * bt.getFloat(tile * 128 + j * 16 + k);
                    }
                    float got = d.get(tile * 128 + i * 8 + j);
                    String at = "tile " + tile + " [" + i + "][" + j + "] seed " + seed;
                    assertEquals(Float.floatToRawIntBits(expected[i * 8 + j]), Float.floatToRawIntBits(got), at);
                    assertEquals(exact, got, 1e-5 * Math.max(1, Math.abs(exact)), at);
                }
            }
        }
    }

    /**
     * Every element distinguishable: D = A·B + C with A[i][k] = 16i + k (exact small integers in bf16) and one-hot B
     * picking row perm(j) for column j gives D[i][j] = 16i + perm(j); then one-hot A and B[k][j] = 8k + j; then A = 0
     * and distinct C. A wrong row, column, register or half anywhere changes some value.
     */
    @Test
    void fragmentLayoutPutsEveryElementWhereThePtxIsaSays() {
        IntBinaryOperator permB = (j, unused) -> (5 * j + 3) % 16;
        IntBinaryOperator permA = (i, unused) -> (7 * i + 2) % 16;
        // 1) distinct A, one-hot B
        BFloat16Array a = new BFloat16Array(TILES * 256), bt = new BFloat16Array(TILES * 128);
        FloatArray c = new FloatArray(TILES * 128);
        for (int tile = 0; tile < TILES; tile++) {
            for (int i = 0; i < 16; i++) {
                for (int k = 0; k < 16; k++) {
                    a.setFloat(tile * 256 + i * 16 + k, 16 * i + k);
                }
            }
            for (int j = 0; j < 8; j++) {
                bt.setFloat(tile * 128 + j * 16 + permB.applyAsInt(j, 0), 1f);
            }
        }
        FloatArray d = runTiles(a, bt, c);
        for (int tile = 0; tile < TILES; tile++) {
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 8; j++) {
                    assertEquals(16 * i + permB.applyAsInt(j, 0), d.get(tile * 128 + i * 8 + j), "A layout: D[" + i + "][" + j + "]");
                }
            }
        }
        // 2) one-hot A, distinct B
        a = new BFloat16Array(TILES * 256);
        bt = new BFloat16Array(TILES * 128);
        for (int tile = 0; tile < TILES; tile++) {
            for (int i = 0; i < 16; i++) {
                a.setFloat(tile * 256 + i * 16 + permA.applyAsInt(i, 0), 1f);
            }
            for (int k = 0; k < 16; k++) {
                for (int j = 0; j < 8; j++) {
                    bt.setFloat(tile * 128 + j * 16 + k, 8 * k + j);
                }
            }
        }
        d = runTiles(a, bt, c);
        for (int tile = 0; tile < TILES; tile++) {
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 8; j++) {
                    assertEquals(8 * permA.applyAsInt(i, 0) + j, d.get(tile * 128 + i * 8 + j), "B layout: D[" + i + "][" + j + "]");
                }
            }
        }
        // 3) A = 0, distinct C: D = C element by element
        a = new BFloat16Array(TILES * 256);
        for (int i = 0; i < TILES * 128; i++) {
            c.set(i, i + 0.5f);
        }
        d = runTiles(a, bt, c);
        for (int i = 0; i < TILES * 128; i++) {
            assertEquals(i + 0.5f, d.get(i), "C/D layout at " + i);
        }
    }

    /** The layout helpers of MmaBf16Tile cover each element of A, B and C exactly once over the 32 lanes. */
    @Test
    void layoutHelpersCoverEveryElementOnce() {
        int[] a = new int[256], b = new int[128], c = new int[128];
        for (int lane = 0; lane < 32; lane++) {
            for (int reg = 0; reg < 4; reg++) {
                for (int half = 0; half < 2; half++) {
                    a[MmaBf16Tile.aRow(lane, reg) * 16 + MmaBf16Tile.aCol(lane, reg, half)]++;
                }
                c[MmaBf16Tile.cRow(lane, reg) * 8 + MmaBf16Tile.cCol(lane, reg)]++;
            }
            for (int reg = 0; reg < 2; reg++) {
                for (int half = 0; half < 2; half++) {
                    b[MmaBf16Tile.bRow(lane, reg, half) * 8 + MmaBf16Tile.bCol(lane)]++;
                }
            }
        }
        for (int[] counts : List.of(a, b, c)) {
            for (int n : counts) {
                assertEquals(1, n);
            }
        }
    }

    /** MmaKernels.gemm on the JVM equals one fma chain over k = 0..K-1 per output (the documented order), bit for bit. */
    @Test
    void jvmGemmIsTheSequentialFmaChain() {
        long seed = System.nanoTime();
        System.out.println("MmaTest gemm seed=" + seed);
        Random r = new Random(seed);
        int m = 64, n = 64, k = 64;
        BFloat16Array a = Gen.bf16s(r, m * k, -1, 1), w = Gen.bf16s(r, n * k, -1, 1);
        FloatArray out = Gen.poisonFloats(m * n);
        CatalogueEntry e = new CatalogueEntry("gemm", KernelRef.of(MmaKernels.class, "gemm"), s -> null,
                Grid.of1d((long) (m / 32) * (n / 32) * MmaKernels.GEMM_GROUP, MmaKernels.GEMM_GROUP), 0);
        JavaReference.run(e, new Object[] {new KernelContext(), a, w, out, m, n, k});
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int kk = 0; kk < k; kk++) {
                    acc = Math.fma(a.getFloat(i * k + kk), w.getFloat(j * k + kk), acc);
                }
                assertEquals(Float.floatToRawIntBits(acc), Float.floatToRawIntBits(out.get(i * n + j)),
                        "out[" + i + "][" + j + "] seed " + seed);
            }
        }
    }

    @Test
    void ptxIsOneMmaSyncPerCallWithResultsInRegisters() {
        KernelIR tiles = KernelCompiler.frontEnd(KernelRef.of(MmaKernels.class, "tiles"));
        String ptx = PtxEmitter.emit(tiles, PtxTarget.SM_90).source();
        assertEquals(1, ptx.split("mma\\.sync\\.aligned\\.m16n8k16\\.row\\.col\\.f32\\.bf16\\.bf16\\.f32 \\{%f", -1).length - 1, ptx);
        assertEquals(1, ptx.split("bar\\.sync", -1).length - 1, "only the kernel's own barrier:\n" + ptx);
        String gemm = PtxEmitter.emit(KernelCompiler.frontEnd(KernelRef.of(MmaKernels.class, "gemm")), PtxTarget.SM_90).source();
        assertEquals(2, gemm.split("mma\\.sync\\.aligned", -1).length - 1, gemm);
        assertTrue(tiles.usesMma() && tiles.usesWarpOps());
    }

    @Test
    void ptxRefusesDevicesWithoutBf16TensorCores() {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(MmaKernels.class, "tiles"));
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> PtxEmitter.emit(ir, PtxTarget.forComputeCapability(7, 5)));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("MmaKernels.tiles") && e.getMessage().contains("compute capability 8.0")
                && e.getMessage().contains("sm_75"), e.getMessage());
        assertTrue(PtxEmitter.emit(ir, PtxTarget.forComputeCapability(8, 0)).source().contains("mma.sync"));
    }

    @Test
    void openClHasTheNvidiaInlinePtxPathAndTheExactEmulation() {
        String src = OpenClEmitter.emit(KernelCompiler.frontEnd(KernelRef.of(MmaKernels.class, "gemm"))).source();
        assertTrue(src.contains("#ifdef KT_NV_MMA\n  asm volatile(\"mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"
                + " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\" : \"=f\"("), src);
        assertTrue(src.contains("__local int kt_mma[6144];"), src);
        assertTrue(src.contains("kt_mma_d = kt_mma_bf16(kt_mma, kt_lid"), src);
        assertFalse(src.contains("kt_warp"), "no shuffles in this kernel:\n" + src);
    }

    @Test
    void launchNeedsWholeWarps() {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(MmaKernels.class, "gemm"));
        assertNull(ir.warpLaunchProblem(new long[] {768}, new long[] {128}));
        String problem = ir.warpLaunchProblem(new long[] {480}, new long[] {48});
        assertNotNull(problem);
        assertTrue(problem.contains("MmaKernels.gemm uses warp operations"), problem);
    }

    @Test
    void outsideALaunchMmaFailsClearly() {
        KernelContext ctx = new KernelContext();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ctx.mmaBf16(0, 0, 0, 0, 0, 0, 0f, 0f, 0f, 0f));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> ctx.mmaResult(0));
        assertTrue(e.getMessage().contains("before any mmaBf16"), e.getMessage());
    }

    private static DeviceInfo info(String backend, String vendor, String cc) {
        return new DeviceInfo("x", backend, "n", vendor, "", "", "GPU", 0, 0, 0, 0, 0, new long[] {1}, "", false, false,
                false, List.of(), List.of(), cc == null ? Map.of() : Map.of(DeviceInfo.COMPUTE_CAPABILITY, cc));
    }

    @Test
    void nativeMmaOnlyOnNvidiaWithComputeCapability8() {
        assertTrue(info("cuda", "NVIDIA", "9.0").nativeMmaBf16());
        assertTrue(info("cuda", "NVIDIA", "8.0").nativeMmaBf16());
        assertFalse(info("cuda", "NVIDIA", "7.5").nativeMmaBf16());
        assertTrue(info("opencl", "NVIDIA Corporation", "9.0").nativeMmaBf16());
        assertFalse(info("opencl", "NVIDIA Corporation", "7.5").nativeMmaBf16());
        assertFalse(info("opencl", "The pocl project", null).nativeMmaBf16());
        assertFalse(info("spirv", "NVIDIA Corporation", "9.0").nativeMmaBf16());
        assertFalse(info("java", "", null).nativeMmaBf16());
    }
}
