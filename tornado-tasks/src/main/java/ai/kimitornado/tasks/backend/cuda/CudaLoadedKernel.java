package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.emit.ptx.PtxKernel;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.runtime.LoadedKernel;

/**
 * A task's kernel on one GPU: the loaded function and a reusable parameter block. {@code aliasSafe} is
 * the variant without {@code ld.global.nc}, loaded only if a launch binds one buffer to a read-only
 * and a written parameter.
 */
final class CudaLoadedKernel implements LoadedKernel {
    final KernelIR ir;
    final PtxKernel ptx;
    final CudaFunction function;
    final KernelParams params;
    final String name;
    final long compileNanos;
    final boolean fromCache;
    CudaFunction aliasSafe;

    CudaLoadedKernel(KernelIR ir, PtxKernel ptx, CudaFunction function, String name, long compileNanos, boolean fromCache) {
        this.ir = ir;
        this.ptx = ptx;
        this.function = function;
        this.params = new KernelParams(ir.deviceArgs().size());
        this.name = name;
        this.compileNanos = compileNanos;
        this.fromCache = fromCache;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String generatedCode() {
        return ptx.source();
    }

    @Override
    public long compileNanos() {
        return compileNanos;
    }

    @Override
    public boolean fromCache() {
        return fromCache;
    }
}
