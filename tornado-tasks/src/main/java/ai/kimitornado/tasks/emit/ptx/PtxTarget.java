package ai.kimitornado.tasks.emit.ptx;

/**
 * The {@code .version} / {@code .target} pair for a compute capability. The ISA version is the lowest
 * that knows the target (PTX ISA release notes: sm_80 → 7.0, sm_86 → 7.1, sm_89 and sm_90 → 7.8,
 * sm_100 → 8.6, sm_120 → 8.7), raised to 7.8 where lower, because the emitter uses instructions of
 * that ISA (e.g. {@code cvt.f32.bf16}); the lowest version keeps the PTX loadable by the oldest
 * driver that can drive the GPU at all.
 *
 * @param smVersion compute capability as major*10+minor (90 for the H200)
 */
public record PtxTarget(int smVersion, int isaMajor, int isaMinor) {
    /** What the CI assembles for and the H200 runs: sm_90, PTX ISA 7.8. */
    public static final PtxTarget SM_90 = forComputeCapability(9, 0);

    private static final int FLOOR_ISA = 78;

    public PtxTarget {
        if (smVersion < 75) {
            throw new IllegalArgumentException("compute capability " + smVersion / 10 + "." + smVersion % 10
                    + " is older than the PTX backend supports (sm_75+: tanh.approx, shfl.sync)");
        }
    }

    /** The target for a device's compute capability (CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR/MINOR). */
    public static PtxTarget forComputeCapability(int major, int minor) {
        int sm = major * 10 + minor;
        int lowest;
        if (sm >= 120) {
            lowest = 87;
        } else if (sm >= 100) {
            lowest = 86;
        } else if (sm >= 89) {
            lowest = 78;
        } else if (sm >= 87) {
            lowest = 74;
        } else if (sm >= 86) {
            lowest = 71;
        } else if (sm >= 80) {
            lowest = 70;
        } else {
            lowest = 63;
        }
        int isa = Math.max(lowest, FLOOR_ISA);
        return new PtxTarget(sm, isa / 10, isa % 10);
    }

    /** {@code sm_90}. */
    public String arch() {
        return "sm_" + smVersion;
    }

    /** The module header lines. */
    public String header() {
        return ".version " + isaMajor + "." + isaMinor + "\n.target " + arch() + "\n.address_size 64\n";
    }
}
