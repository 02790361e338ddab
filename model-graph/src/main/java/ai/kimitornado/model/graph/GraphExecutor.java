package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.List;

/**
 * Runs forward graphs on one device with residency by identity: arrays shared by several graphs are one device
 * buffer, so the prefill and decode graphs see the same weights and sequence state.
 */
public interface GraphExecutor extends AutoCloseable {
    /** Registers every graph once (compiles, allocates, uploads the once-only inputs on first use). */
    void prepare(List<ForwardGraph> graphs);

    /** Runs one graph: per-step inputs up, its launches in order, per-step outputs down. */
    void execute(ForwardGraph graph);

    /** Copies on-demand arrays of the last executed graph back to the host. */
    void download(NativeArray... arrays);

    /** The device id, e.g. {@code java}, {@code opencl:0:0}. */
    String deviceId();

    /**
     * Largest work-group (power of two ≤ 256) the graphs should use on this device: 256 for OpenCL/CUDA devices; the
     * JVM runs each work-item of a barrier-using group as its own thread, so small groups are far cheaper there.
     */
    int maxWorkGroupSize();

    /**
     * Whether the device runs {@code KernelContext.mmaBf16} on tensor cores (else the exact, slow emulation): decides
     * {@link PrefillGemm#choose}. Default false.
     */
    default boolean nativeMmaBf16() {
        return false;
    }

    /**
     * Whether warp shuffles are hardware instructions on the device (else a barrier-based emulation): decides
     * {@link DecodeKernels#choose}. Default false.
     */
    default boolean nativeWarpShuffles() {
        return false;
    }

    /** Global memory of the device in bytes (0 when unknown). */
    long deviceMemoryBytes();

    @Override
    void close();
}
