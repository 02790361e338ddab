package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceBuffer;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LaunchEvent;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OpenCL device running kernels emitted as SPIR-V: memory, copies and launches are the OpenCL
 * device's; only compilation differs (SPIR-V module → {@link SpirvRoute} → cl_program).
 */
public final class SpirvDevice implements Device {
    private final OpenClDevice opencl;
    private final SpirvRoute route;
    private final DeviceInfo info;
    private final SpirvKernelCompiler compiler;

    SpirvDevice(OpenClDevice opencl, SpirvRoute route) {
        this.opencl = opencl;
        this.route = route;
        DeviceInfo base = opencl.info();
        Map<String, String> extra = new LinkedHashMap<>(base.extra());
        extra.put("spirv route", route.describe(base));
        this.info = new DeviceInfo("spirv:" + base.id().substring(base.id().indexOf(':') + 1), "spirv", base.name(),
                base.vendor(), base.driverVersion(), base.deviceVersion(), base.type(), base.globalMemBytes(),
                base.localMemBytes(), base.maxAllocBytes(), base.computeUnits(), base.maxWorkGroupSize(),
                base.maxWorkItemSizes(), base.openclCVersion(), base.fp16(), base.fp64(), base.subgroups(),
                base.ilVersions(), base.extensions(), java.util.Collections.unmodifiableMap(extra));
        this.compiler = new SpirvKernelCompiler(this);
    }

    /** Which way SPIR-V reaches this device. */
    public SpirvRoute route() {
        return route;
    }

    @Override
    public boolean loadsKernelsConcurrently() {
        return opencl.loadsKernelsConcurrently();
    }

    OpenClDevice opencl() {
        return opencl;
    }

    /** "spirv:0:0 (name)" for messages. */
    String site() {
        return info.id() + " (" + info.name() + ")";
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public boolean sharesHostMemory() {
        return false;
    }

    @Override
    public DeviceBuffer allocate(long bytes, String label) {
        return opencl.allocate(bytes, label);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        opencl.free(buffer);
    }

    @Override
    public long allocatedBytes() {
        return opencl.allocatedBytes();
    }

    @Override
    public void copyIn(DeviceBuffer dst, MemorySegment src) {
        opencl.copyIn(dst, src);
    }

    @Override
    public void copyOut(MemorySegment dst, DeviceBuffer src) {
        opencl.copyOut(dst, src);
    }

    @Override
    public LoadedKernel compile(CompileRequest request) {
        return compiler.compile(request);
    }

    @Override
    public LaunchEvent launch(LoadedKernel kernel, KernelArg[] args, LaunchGrid grid, boolean profile) {
        SpirvKernel k = (SpirvKernel) kernel;
        synchronized (opencl) {
            return opencl.launch(k.program(), k.bindArgs(args), grid, profile, k.name());
        }
    }

    @Override
    public void synchronize() {
        opencl.synchronize();
    }

    /** Frees buffers, programs, queue and context (the wrapped OpenCL device's). */
    public void close() {
        opencl.close();
    }
}
