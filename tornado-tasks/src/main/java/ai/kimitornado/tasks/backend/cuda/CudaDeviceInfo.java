package ai.kimitornado.tasks.backend.cuda;

/**
 * What the driver reports about one GPU (cuDeviceGet* queries).
 *
 * @param ordinal                  CUDA device ordinal; the device id is {@code cuda:ordinal}
 * @param computeMajor             compute capability major (9 on Hopper)
 * @param sharedMemoryPerBlock     bytes of static shared memory a block may use (48 KiB)
 * @param sharedMemoryPerBlockOptin bytes a block may use after opting in (dynamic shared memory)
 * @param clockKHz                 SM clock; {@code memoryClockKHz} and {@code memoryBusWidthBits}
 *                                 give the theoretical DRAM bandwidth
 */
public record CudaDeviceInfo(int ordinal, String name, long totalMemoryBytes, int multiprocessors,
                             int computeMajor, int computeMinor, int maxThreadsPerBlock,
                             int sharedMemoryPerBlock, int sharedMemoryPerBlockOptin, int warpSize,
                             int clockKHz, int memoryClockKHz, int memoryBusWidthBits, int l2CacheBytes,
                             int driverVersion) {

    /** The device id users select: {@code cuda:N}. */
    public String id() {
        return "cuda:" + ordinal;
    }

    /** {@code sm_90} for compute capability 9.0. */
    public String smArchitecture() {
        return "sm_" + computeMajor + computeMinor;
    }

    /** Theoretical DRAM bandwidth in GB/s (double data rate × bus width); 0 when unreported. */
    public double theoreticalBandwidthGBs() {
        return 2.0 * memoryClockKHz * 1e3 * (memoryBusWidthBits / 8.0) / 1e9;
    }

    /** Driver version as reported by cuDriverGetVersion, e.g. 13000 → "13.0". */
    public String driverVersionText() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }

    /** One line for `kimi-tornado devices`. */
    public String describe() {
        return String.format("%s  %s  %s  %.1f GiB  %d SMs  max %d threads/block  %d KiB shared/block (%d KiB opt-in)"
                        + "  %d MHz  %d-bit bus  CUDA driver %s",
                id(), name, smArchitecture(), totalMemoryBytes / (double) (1L << 30), multiprocessors,
                maxThreadsPerBlock, sharedMemoryPerBlock / 1024, sharedMemoryPerBlockOptin / 1024, clockKHz / 1000,
                memoryBusWidthBits, driverVersionText());
    }
}
