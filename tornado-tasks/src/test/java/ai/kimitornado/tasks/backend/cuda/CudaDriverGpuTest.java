package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The driver binding end to end on a real GPU (skipped, saying so, on machines without one). */
class CudaDriverGpuTest {
    static final String SAXPY_PTX = """
            .visible .entry saxpy(.param .u64 x, .param .u64 y, .param .f32 a, .param .u32 n)
            {
              .reg .pred %p<2>;
              .reg .b32 %r<6>;
              .reg .f32 %f<5>;
              .reg .b64 %rd<7>;
              ld.param.u64 %rd1, [x];
              ld.param.u64 %rd2, [y];
              ld.param.f32 %f1, [a];
              ld.param.u32 %r1, [n];
              mov.u32 %r2, %ctaid.x;
              mov.u32 %r3, %ntid.x;
              mov.u32 %r4, %tid.x;
              mad.lo.s32 %r5, %r2, %r3, %r4;
              setp.ge.u32 %p1, %r5, %r1;
              @%p1 bra DONE;
              cvta.to.global.u64 %rd3, %rd1;
              cvta.to.global.u64 %rd4, %rd2;
              mul.wide.u32 %rd5, %r5, 4;
              add.s64 %rd6, %rd3, %rd5;
              ld.global.nc.f32 %f2, [%rd6];
              add.s64 %rd6, %rd4, %rd5;
              ld.global.f32 %f3, [%rd6];
              fma.rn.f32 %f4, %f1, %f2, %f3;
              st.global.f32 [%rd6], %f4;
            DONE:
              ret;
            }
            """;

    private static CudaContext context;

    @BeforeAll
    static void needsGpu() {
        CudaPlatform platform = CudaPlatform.get();
        Assumptions.assumeFalse(platform.devices().isEmpty(),
                "no CUDA device: " + platform.unavailableReason().orElse("?") + " — GPU tests skipped");
        context = platform.context(0);
    }

    static String saxpyModule(CudaDeviceInfo device) {
        return PtxTarget.forComputeCapability(device.computeMajor(), device.computeMinor()).header() + SAXPY_PTX;
    }

    @Test
    void saxpyRunsAndCapturedGraphReplays() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        int n = 100_003;
        float a = random.nextFloat() * 4 - 2;
        try (Arena arena = Arena.ofConfined();
             CudaModule module = context.loadPtx(saxpyModule(context.device()), "saxpy");
             CudaStream stream = context.createStream();
             CudaBuffer x = context.allocate(4L * n, "x");
             CudaBuffer y = context.allocate(4L * n, "y");
             PinnedHostBuffer host = context.allocatePinned(4L * n)) {
            MemorySegment xs = arena.allocate(JAVA_FLOAT, n);   // [n]
            MemorySegment ys = arena.allocate(JAVA_FLOAT, n);   // [n]
            for (int i = 0; i < n; i++) {
                xs.setAtIndex(JAVA_FLOAT, i, random.nextFloat());
                ys.setAtIndex(JAVA_FLOAT, i, random.nextFloat());
            }
            x.copyFromHost(xs, 0, xs.byteSize(), stream);
            y.copyFromHost(ys, 0, ys.byteSize(), stream);
            CudaFunction saxpy = module.function("saxpy");
            KernelParams params = new KernelParams(4).pointer(0, x.address()).pointer(1, y.address())
                    .floatValue(2, a).intValue(3, n);
            LaunchGeometry geometry = LaunchGeometry.of1D((n + 255) / 256, 256);
            saxpy.launch(geometry, params, stream);
            host.segment().fill((byte) 0xff); // NaN poison
            y.copyToHost(host.segment(), 0, 4L * n, stream);
            stream.synchronize();
            for (int i = 0; i < n; i++) {
                float expected = Math.fma(a, xs.getAtIndex(JAVA_FLOAT, i), ys.getAtIndex(JAVA_FLOAT, i));
                assertEquals(expected, host.segment().getAtIndex(JAVA_FLOAT, i), 0f, "y[" + i + "]");
            }
            // capture two more saxpy launches; each replay adds 2a·x
            try (CudaGraph graph = stream.capture(() -> {
                saxpy.launch(geometry, params, stream);
                saxpy.launch(geometry, params, stream);
            }, "two saxpy")) {
                assertEquals(2, graph.nodeCount());
                graph.launch(stream);
                y.copyToHost(host.segment(), 0, 4L * n, stream);
                stream.synchronize();
            }
            for (int i = 0; i < n; i++) {
                float once = Math.fma(a, xs.getAtIndex(JAVA_FLOAT, i), ys.getAtIndex(JAVA_FLOAT, i));
                float expected = Math.fma(a, xs.getAtIndex(JAVA_FLOAT, i), Math.fma(a, xs.getAtIndex(JAVA_FLOAT, i), once));
                assertEquals(expected, host.segment().getAtIndex(JAVA_FLOAT, i), 0f, "y[" + i + "] after replay");
            }
        }
    }

    @Test
    void badPtxShowsTheDriverLogAndTheLine() {
        String broken = saxpyModule(context.device()).replace("fma.rn.f32 %f4, %f1, %f2, %f3;", "fma.rn.f32 %f4, %f1, %rd2, %f3;");
        PtxLoadException e = assertThrows(PtxLoadException.class, () -> context.loadPtx(broken, "broken saxpy"));
        assertTrue(e.getMessage().contains(">>") && e.getMessage().contains("%rd2"), e.getMessage());
        assertTrue(e.errorName().startsWith("CUDA_ERROR_"), e.errorName());
    }

    @Test
    void outOfMemoryIsNamed() {
        CudaException e = assertThrows(CudaException.class, () -> context.allocate(1L << 50, "a petabyte"));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName(), e.getMessage());
    }
}
