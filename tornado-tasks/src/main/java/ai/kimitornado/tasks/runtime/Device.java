package ai.kimitornado.tasks.runtime;

import java.lang.foreign.MemorySegment;

/**
 * Backend SPI, part 2: one device. The runtime calls these from one thread at a time per plan;
 * implementations synchronize where a device is shared between plans. Documented in RUNTIME.md.
 */
public interface Device {

    /** {@code java}, {@code opencl:P:D}, {@code cuda:N}, {@code spirv:P:D}. */
    default String id() {
        return info().id();
    }

    DeviceInfo info();

    /**
     * True when kernels read and write the host arrays themselves (the java backend): the runtime
     * then never allocates or copies, and {@link KernelArg.Buffer#buffer()} is null.
     */
    boolean sharesHostMemory();

    /**
     * Allocates {@code bytes} of device memory. Failure is a {@link DeviceMemoryException} naming the
     * device, the size, the label and the memory already in use.
     */
    DeviceBuffer allocate(long bytes, String label);

    void free(DeviceBuffer buffer);

    /** Bytes allocated through this device object and not yet freed. */
    long allocatedBytes();

    /** Blocking host → device copy of {@code src.byteSize()} bytes to offset 0. */
    void copyIn(DeviceBuffer dst, MemorySegment src);

    /** Blocking device → host copy of {@code dst.byteSize()} bytes from offset 0. */
    void copyOut(MemorySegment dst, DeviceBuffer src);

    /** Compiles (or fetches from the caches) and loads a kernel; errors name the kernel and device. */
    LoadedKernel compile(CompileRequest request);

    /**
     * Whether {@link #compile} may run on several threads at once (and next to other Java threads) for this device.
     * False where a driver is not thread-safe or installs signal handlers while it builds (PoCL's LLVM: a JVM-internal
     * signal on another thread then reaches LLVM's handler, which deletes the build's temporary files).
     */
    default boolean loadsKernelsConcurrently() {
        return true;
    }

    /**
     * Submits one launch (asynchronous where the device allows). With {@code profile} the returned event
     * reports the device-measured kernel time.
     */
    LaunchEvent launch(LoadedKernel kernel, KernelArg[] args, LaunchGrid grid, boolean profile);

    /** Waits until everything submitted has finished. */
    void synchronize();
}
