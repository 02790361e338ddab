package ai.kimitornado.tasks.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device discovery works with and without a driver, never throwing at discovery time. */
class CudaPlatformTest {

    @Test
    void listsDevicesOrSaysWhyNot() {
        CudaPlatform platform = CudaPlatform.get();
        if (platform.devices().isEmpty()) {
            String reason = platform.unavailableReason().orElseThrow();
            assertFalse(reason.isBlank());
            assertFalse(reason.contains("\n"), "one-line reason: " + reason);
            System.out.println("cuda backend: no devices: " + reason);
        } else {
            assertTrue(platform.unavailableReason().isEmpty());
            for (int i = 0; i < platform.devices().size(); i++) {
                CudaDeviceInfo d = platform.devices().get(i);
                assertEquals("cuda:" + i, d.id());
                assertTrue(d.totalMemoryBytes() > 0 && d.multiprocessors() > 0 && d.computeMajor() >= 3, d.describe());
                System.out.println(d.describe());
            }
        }
    }

    @Test
    void unknownDeviceIdListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaPlatform.get().device("cuda:4096"));
        assertTrue(e.getMessage().contains("cuda:4096") && e.getMessage().contains("available"), e.getMessage());
    }

    @Test
    void errorCodesHaveTheirCudaNames() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.name(2));
        assertEquals("CUDA_ERROR_INVALID_PTX", CudaErrors.name(218));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CudaErrors.name(700));
        CudaException e = assertThrows(CudaException.class, () -> CudaErrors.check(2, "allocating 1 TiB for 'weights'"));
        assertTrue(e.getMessage().startsWith("CUDA_ERROR_OUT_OF_MEMORY (2"), e.getMessage());
        assertTrue(e.getMessage().endsWith("while allocating 1 TiB for 'weights'"), e.getMessage());
        assertEquals(2, e.code());
    }

    @Test
    void launchGeometryRejectsEmptyGrids() {
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.of1D(0, 128));
    }
}
