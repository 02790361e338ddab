package ai.kimitornado.model.graph;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * One task of a forward graph: a kernel (public static void, found by {@link Kernels}), its arguments in Java
 * parameter order (a {@code KernelContext} placeholder where the kernel takes one) and its launch geometry.
 */
public record KernelLaunch(String name, Method kernel, Object[] args, long[] global, long[] local) {

    @Override
    public String toString() {
        return name + " = " + kernel.getDeclaringClass().getSimpleName() + "." + kernel.getName()
                + " global " + Arrays.toString(global) + " local " + Arrays.toString(local);
    }
}
