package ai.kimitornado.tasks.backend.cuda;

/** Grid of blocks × block of threads for cuLaunchKernel, plus dynamic shared memory bytes. */
public record LaunchGeometry(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                             int dynamicSharedBytes) {
    public LaunchGeometry {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || dynamicSharedBytes < 0) {
            throw new IllegalArgumentException("invalid launch geometry: grid " + gridX + "x" + gridY + "x" + gridZ
                    + ", block " + blockX + "x" + blockY + "x" + blockZ + ", shared " + dynamicSharedBytes);
        }
    }

    /** A 1-D launch. */
    public static LaunchGeometry of1D(int blocks, int threadsPerBlock) {
        return new LaunchGeometry(blocks, 1, 1, threadsPerBlock, 1, 1, 0);
    }

    @Override
    public String toString() {
        return "grid " + gridX + "x" + gridY + "x" + gridZ + " × block " + blockX + "x" + blockY + "x" + blockZ
                + (dynamicSharedBytes > 0 ? " + " + dynamicSharedBytes + " B shared" : "");
    }
}
