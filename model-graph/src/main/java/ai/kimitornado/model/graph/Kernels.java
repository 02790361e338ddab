package ai.kimitornado.model.graph;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds kernel methods (public static void, one per name in its class) for {@link KernelLaunch}. */
final class Kernels {
    private static final Map<String, Method> CACHE = new ConcurrentHashMap<>();

    private Kernels() {
    }

    static Method of(Class<?> owner, String name) {
        return CACHE.computeIfAbsent(owner.getName() + "." + name, key -> {
            Method found = null;
            for (Method m : owner.getMethods()) {
                if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers()) && m.getReturnType() == void.class) {
                    if (found != null) {
                        throw new IllegalStateException("kernel " + key + " is overloaded; kernels need unique names");
                    }
                    found = m;
                }
            }
            if (found == null) {
                throw new IllegalStateException("no public static void kernel " + key);
            }
            return found;
        });
    }
}
