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

    /** Global memory of the device in bytes (0 when unknown). */
    long deviceMemoryBytes();

    @Override
    void close();
}
