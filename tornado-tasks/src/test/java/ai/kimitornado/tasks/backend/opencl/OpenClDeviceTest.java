package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.DeviceBuffer;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceMemoryException;
import ai.kimitornado.tasks.runtime.LaunchEvent;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The FFM binding against the installed driver (PoCL in CI), with hand-written OpenCL C. */
class OpenClDeviceTest {
    private static List<OpenClDevice> devices() {
        OpenClBackend b = new OpenClBackend();
        List<OpenClDevice> d = b.devices();
        assumeFalse(d.isEmpty(), () -> "no OpenCL device: " + b.unavailableReason().orElse("?"));
        return d;
    }

    @Test
    void deviceInfoIsFilled() {
        for (OpenClDevice d : devices()) {
            DeviceInfo i = d.info();
            System.out.println(i.id() + ": " + i.name() + " / " + i.vendor() + " / " + i.driverVersion() + " / " + i.openclCVersion()
                    + " / IL " + i.ilVersions() + " / queue: " + d.queueKind());
            assertTrue(i.id().matches("opencl:\\d+:\\d+"));
            assertFalse(i.name().isEmpty());
            assertTrue(i.globalMemBytes() > 0 && i.localMemBytes() > 0 && i.computeUnits() > 0 && i.maxWorkGroupSize() > 0);
            assertTrue(i.maxWorkItemSizes().length >= 3);
            assertTrue(i.openclCVersion().startsWith("OpenCL C"));
        }
    }

    @Test
    void vectorAddRoundTrip() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        int n = 1000 + rnd.nextInt(5000);
        String src = """
                __kernel void vadd(__global const float* a, __global const float* b, __global float* c, const int n) {
                    int i = get_global_id(0);
                    if (i < n) c[i] = a[i] + b[i] * 2.0f;
                }
                """;
        for (OpenClDevice d : devices()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = arena.allocate(JAVA_FLOAT, n), b = arena.allocate(JAVA_FLOAT, n), c = arena.allocate(JAVA_FLOAT, n);
                for (int i = 0; i < n; i++) {
                    a.setAtIndex(JAVA_FLOAT, i, rnd.nextFloat());
                    b.setAtIndex(JAVA_FLOAT, i, rnd.nextFloat());
                    c.setAtIndex(JAVA_FLOAT, i, Float.NaN);
                }
                ClBuffer da = (ClBuffer) d.allocate(a.byteSize(), "a"), db = (ClBuffer) d.allocate(b.byteSize(), "b"), dc = (ClBuffer) d.allocate(c.byteSize(), "c");
                d.copyIn(da, a);
                d.copyIn(db, b);
                d.copyIn(dc, c); // poisoned
                ClProgram p = d.buildFromSource(src, "vadd", "");
                MemorySegment nArg = arena.allocate(JAVA_INT);
                nArg.set(JAVA_INT, 0, n);
                try (LaunchEvent e = d.launch(p, new MemorySegment[] {da.handleArg(), db.handleArg(), dc.handleArg(), nArg},
                        new LaunchGrid(new long[] {(n + 63) / 64 * 64}, new long[] {64}), true, "vadd")) {
                    assertTrue(e.kernelNanos() > 0);
                }
                d.copyOut(c, dc);
                for (int i = 0; i < n; i++) {
                    assertEquals(a.getAtIndex(JAVA_FLOAT, i) + b.getAtIndex(JAVA_FLOAT, i) * 2f, c.getAtIndex(JAVA_FLOAT, i), 0f, "element " + i);
                }
                long before = d.allocatedBytes();
                for (DeviceBuffer buf : List.of(da, db, dc)) d.free(buf);
                assertEquals(before - 3L * n * 4, d.allocatedBytes());
                d.release(p);
            }
        }
    }

    @Test
    void buildErrorShowsDriverLogAndSourceLine() {
        String src = "__kernel void broken(__global float* a) {\n    int i = get_global_id(0);\n    a[i] = undefined_thing * 2.0f;\n}\n";
        for (OpenClDevice d : devices()) {
            ClBuildFailure f = assertThrows(ClBuildFailure.class, () -> d.buildFromSource(src, "broken", ""));
            System.out.println(f.getMessage());
            assertEquals(-11, f.code());
            assertTrue(f.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"));
            assertTrue(f.getMessage().contains("undefined_thing"), "log or source names the bad identifier");
            assertTrue(f.getMessage().contains(">    3 |"), "the failing line is marked");
            assertTrue(f.getMessage().contains(d.id()));
        }
    }

    @Test
    void launchErrorsAreNamed() {
        for (OpenClDevice d : devices()) {
            ClProgram p = d.buildFromSource("__kernel void k(__global float* a) { a[get_global_id(0)] = 1.0f; }", "k", "");
            ClBuffer buf = (ClBuffer) d.allocate(64 * 4, "a");
            long tooBig = d.info().maxWorkGroupSize() * 2;
            ClException e = assertThrows(ClException.class, () -> d.launch(p, new MemorySegment[] {buf.handleArg()},
                    new LaunchGrid(new long[] {tooBig}, new long[] {tooBig}), false, "k"));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("CL_INVALID_WORK_GROUP_SIZE") || e.getMessage().contains("CL_INVALID_WORK_ITEM_SIZE"), e.getMessage());
            assertTrue(e.getMessage().contains("clEnqueueNDRangeKernel(k"));
            d.free(buf);
            d.release(p);
        }
    }

    @Test
    void oversizedAllocationReportsDeviceSizeAndUsage() {
        for (OpenClDevice d : devices()) {
            DeviceBuffer small = d.allocate(4096, "small-buffer");
            DeviceMemoryException e = assertThrows(DeviceMemoryException.class,
                    () -> d.allocate(d.info().maxAllocBytes() + 1, "huge"));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains(d.id()) && e.getMessage().contains("huge") && e.getMessage().contains("small-buffer=4096"));
            d.free(small);
        }
    }

    @Test
    void errorNamesAreSymbolic() {
        assertEquals("CL_OUT_OF_RESOURCES (-5)", ClErrors.name(-5));
        assertEquals("CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)", ClErrors.name(-4));
        assertEquals("unknown OpenCL error (-9999)", ClErrors.name(-9999));
    }
}
