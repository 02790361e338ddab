package ai.kimitornado.tasks.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.catalogue.CatalogueEntry.Grid;
import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Warp operations: the JVM semantics against an oracle written from the specification (device results are then
 * compared with the JVM by the catalogue entries of {@link WarpKernels}), PTX lowering, and the launch checks.
 */
class WarpOpsTest {

    /** WarpKernels.shuffles on the JVM, 1D groups of 64 and 2D groups of 16 x 4, against the definitions. */
    @ParameterizedTest(name = "local {0}x{1}")
    @org.junit.jupiter.params.provider.CsvSource({"64,1", "16,4"})
    void jvmShufflesMatchTheSpecification(int lx, int ly) {
        long seed = System.nanoTime();
        System.out.println("WarpOpsTest seed=" + seed);
        Random r = new Random(seed);
        int gx = 64, gy = 4, items = gx * gy;
        FloatArray x = Gen.floats(r, items, -8, 8);
        IntArray n = Gen.ints(r, items), lanes = Gen.ints(r, items);
        FloatArray outF = Gen.poisonFloats(6 * items);
        IntArray outI = Gen.poisonInts(4 * items);
        CatalogueEntry e = new CatalogueEntry("shuffles", KernelRef.of(WarpKernels.class, "shuffles"),
                s -> null, new Grid(new long[] {gx, gy}, new long[] {lx, ly}), 0);
        JavaReference.run(e, new Object[] {new KernelContext(), x, n, lanes, outF, outI});

        for (int groupY = 0; groupY < gy / ly; groupY++) {
            for (int groupX = 0; groupX < gx / lx; groupX++) {
                int[] byLinear = new int[lx * ly]; // linear local id -> global item index g
                for (int y = 0; y < ly; y++) {
                    for (int xx = 0; xx < lx; xx++) {
                        byLinear[xx + lx * y] = (groupX * lx + xx) + gx * (groupY * ly + y);
                    }
                }
                for (int linear = 0; linear < byLinear.length; linear++) {
                    int g = byLinear[linear], lane = linear & 31, base = linear - lane;
                    int d = lanes.get(g) & 31;
                    int down = lane + d < 32 ? linear + d : linear;
                    String at = "item " + g + " (linear " + linear + ", delta " + lanes.get(g) + ")";
                    assertEquals(x.get(byLinear[down]), outF.get(6 * g), at);
                    assertEquals(x.get(byLinear[base + (lane ^ d)]), outF.get(6 * g + 1), at);
                    assertEquals(x.get(byLinear[lane + 1 < 32 ? linear + 1 : linear]), outF.get(6 * g + 2), at);
                    assertEquals(x.get(byLinear[base + (lane ^ 31)]), outF.get(6 * g + 3), at);
                    assertEquals(butterfly(x, byLinear, base), outF.get(6 * g + 4), at);
                    assertEquals(2f * x.get(byLinear[lane + 17 < 32 ? linear + 17 : linear]), outF.get(6 * g + 5), at);
                    assertEquals(n.get(byLinear[down]), outI.get(4 * g), at);
                    assertEquals(n.get(byLinear[base + (lane ^ ((lanes.get(g) + 3) & 31))]), outI.get(4 * g + 1), at);
                    int sum = 0, low = 0;
                    for (int k = 0; k < 32; k++) {
                        sum += n.get(byLinear[base + k]);
                        low += n.get(byLinear[base + k]) & 0xFF;
                    }
                    assertEquals(sum, outI.get(4 * g + 2), at);
                    assertEquals(low, outI.get(4 * g + 3), at);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void jvmWarpMaxIsTheMaximumOfTheWarp() {
        long seed = System.nanoTime();
        System.out.println("WarpOpsTest max seed=" + seed);
        Random r = new Random(seed);
        FloatArray x = Gen.specialFloats(r, 128);
        IntArray n = Gen.ints(r, 128);
        FloatArray outF = Gen.poisonFloats(128);
        IntArray outI = Gen.poisonInts(128);
        CatalogueEntry e = new CatalogueEntry("maxes", KernelRef.of(WarpKernels.class, "maxes"), s -> null,
                Grid.of1d(128, 64), 0);
        JavaReference.run(e, new Object[] {new KernelContext(), x, n, outF, outI});
        for (int g = 0; g < 128; g++) {
            int base = g & -32;
            float fm = x.get(base);
            int im = n.get(base);
            for (int k = 1; k < 32; k++) {
                fm = Math.max(fm, x.get(base + k));
                im = Math.max(im, n.get(base + k));
            }
            if (Float.isNaN(fm)) {
                assertTrue(Float.isNaN(outF.get(g)), "item " + g);
            } else {
                assertEquals(Float.floatToRawIntBits(fm), Float.floatToRawIntBits(outF.get(g)), "item " + g);
            }
            assertEquals(im, outI.get(g), "item " + g);
        }
    }

    /** The documented order: v[l] += v[l ^ m] for m = 16, 8, 4, 2, 1, simulated on 32 values; every lane agrees. */
    private static float butterfly(FloatArray x, int[] byLinear, int base) {
        float[] v = new float[32];
        for (int k = 0; k < 32; k++) {
            v[k] = x.get(byLinear[base + k]);
        }
        for (int m = 16; m > 0; m >>= 1) {
            float[] next = new float[32];
            for (int k = 0; k < 32; k++) {
                next[k] = v[k] + v[k ^ m];
            }
            v = next;
        }
        for (int k = 1; k < 32; k++) {
            assertEquals(Float.floatToRawIntBits(v[0]), Float.floatToRawIntBits(v[k]), "lane " + k + " disagrees");
        }
        return v[0];
    }

    @Test
    void ptxUsesFullWarpShuffles() {
        String ptx = PtxEmitter.emit(KernelCompiler.frontEnd(KernelRef.of(WarpKernels.class, "gemvWarpRows")),
                PtxTarget.SM_90).source();
        assertEquals(5, ptx.split("shfl\\.sync\\.bfly\\.b32", -1).length - 1, ptx);
        assertTrue(ptx.contains(", 16, 0x1f, 0xffffffff;"), ptx);
        assertTrue(!ptx.contains("bar.sync"), "a warp sum needs no barrier on PTX:\n" + ptx);
        String shuffles = PtxEmitter.emit(KernelCompiler.frontEnd(KernelRef.of(WarpKernels.class, "shuffles")),
                PtxTarget.SM_90).source();
        assertTrue(shuffles.contains("shfl.sync.down.b32"), shuffles);
    }

    @Test
    void openClHasTheNvidiaInlinePtxPathAndTheEmulation() {
        String src = ai.kimitornado.tasks.emit.opencl.OpenClEmitter.emit(
                KernelCompiler.frontEnd(KernelRef.of(WarpKernels.class, "shuffles"))).source();
        assertTrue(src.contains("asm volatile(\"shfl.sync.bfly.b32 %0, %1, %2, 0x1f, 0xffffffff;\" : \"=f\"("), src);
        assertTrue(src.contains("asm volatile(\"shfl.sync.down.b32 %0, %1, %2, 0x1f, 0xffffffff;\" : \"=r\"("), src);
        assertTrue(src.contains("#ifndef KT_NV_SHFL\n  __local int kt_warp[1024];"), src);
        assertTrue(src.contains("barrier(CLK_LOCAL_MEM_FENCE)"), src);
    }

    @Test
    void outsideALaunchWarpOpsFailClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new KernelContext().warpSum(1f));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
    }

    static List<String> devices() {
        List<String> ids = new ArrayList<>(List.of("java"));
        try {
            DeviceRegistry.get().device("opencl:0:0");
            ids.add("opencl:0:0");
        } catch (RuntimeException absent) {
            System.out.println("WarpOpsTest: no OpenCL device (" + absent.getMessage() + "); java only");
        }
        return ids;
    }

    /** Group sizes that are not whole warps, partial last groups and the driver's choice are refused, naming the kernel. */
    @ParameterizedTest
    @ValueSource(strings = {"48 of 480", "64 of 300", "2048 of 4096", "driver's choice of 256"})
    void launchRejectsGridsWithoutWholeWarps(String grid) {
        String[] parts = grid.split(" of ");
        int global = Integer.parseInt(parts[1]);
        WorkerGrid1D worker = new WorkerGrid1D(global);
        if (!parts[0].startsWith("driver")) {
            worker.setLocalWork(Integer.parseInt(parts[0]));
        }
        for (String device : devices()) {
            FloatArray in = new FloatArray(global), out = new FloatArray(16);
            TaskGraph g = new TaskGraph("w").task("sum", WarpKernels::blockSum, new KernelContext(), in, out);
            try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device)
                    .withGridScheduler(new GridScheduler("w.sum", worker))) {
                TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute, device);
                System.out.println(device + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("WarpKernels.blockSum uses warp operations"), e.getMessage());
            }
        }
    }
}
