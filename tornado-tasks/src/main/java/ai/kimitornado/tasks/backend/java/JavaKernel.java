package ai.kimitornado.tasks.backend.java;

import ai.kimitornado.tasks.runtime.LoadedKernel;

import java.lang.invoke.MethodHandle;

/**
 * A kernel method ready to run on the JVM: a spreader over the static method, the position of its
 * KernelContext parameter (-1: an @Parallel kernel, invoked once), and whether it has barriers
 * (then every work-item of a group gets its own virtual thread).
 */
record JavaKernel(String name, MethodHandle invoker, int contextIndex, boolean usesBarriers, int parameterCount)
        implements LoadedKernel {

    @Override
    public String generatedCode() {
        return "// " + name + " runs as Java bytecode on the JVM (java backend); no generated code\n";
    }

    @Override
    public long compileNanos() {
        return 0;
    }

    @Override
    public boolean fromCache() {
        return false;
    }
}
