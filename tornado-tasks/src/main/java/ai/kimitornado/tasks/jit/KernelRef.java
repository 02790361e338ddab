package ai.kimitornado.tasks.jit;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/** Identity of a kernel: a static method. Made from a method reference ({@code Kernels::scale}) or a Method. */
public record KernelRef(Class<?> owner, String methodName, String descriptor, Method method) {

    /** From a serializable method reference to a static method (the task functional interfaces are Serializable). */
    public static KernelRef of(Serializable lambda) {
        SerializedLambda sl;
        try {
            Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            sl = (SerializedLambda) writeReplace.invoke(lambda);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("not a serializable lambda or method reference: " + lambda, e);
        }
        if (sl.getImplMethodKind() != java.lang.invoke.MethodHandleInfo.REF_invokeStatic) {
            throw new IllegalArgumentException("kernel must be a static method reference (Class::method), got "
                    + sl.getImplClass() + "." + sl.getImplMethodName() + " of kind " + sl.getImplMethodKind());
        }
        if (sl.getImplMethodName().startsWith("lambda$") && sl.getCapturedArgCount() > 0) {
            // a capturing lambda's body takes the captured values as extra leading parameters the task never passes
            throw new IllegalArgumentException("kernel lambda captures " + sl.getCapturedArgCount()
                    + " value(s); pass them as task arguments or use a method reference (Class::method) ("
                    + sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName() + ")");
        }
        Class<?> owner;
        try {
            ClassLoader loader = lambda.getClass().getClassLoader();
            owner = Class.forName(sl.getImplClass().replace('/', '.'), false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("kernel class not found: " + sl.getImplClass(), e);
        }
        return of(owner, sl.getImplMethodName(), sl.getImplMethodSignature());
    }

    /** The static method {@code name} with JVM descriptor {@code descriptor} of {@code owner}. */
    public static KernelRef of(Class<?> owner, String name, String descriptor) {
        for (Method m : owner.getDeclaredMethods()) {
            if (m.getName().equals(name) && descriptorOf(m).equals(descriptor)) {
                return of(m);
            }
        }
        throw new IllegalArgumentException("no method " + owner.getName() + "." + name + descriptor);
    }

    public static KernelRef of(Method m) {
        if (!Modifier.isStatic(m.getModifiers())) {
            throw new IllegalArgumentException("kernel must be a static method: " + m);
        }
        if (m.getReturnType() != void.class) {
            throw new IllegalArgumentException("kernel must return void: " + m);
        }
        return new KernelRef(m.getDeclaringClass(), m.getName(), descriptorOf(m), m);
    }

    /** The only static method called {@code name} in {@code owner} (convenient in tests). */
    public static KernelRef of(Class<?> owner, String name) {
        Method[] found = Arrays.stream(owner.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toArray(Method[]::new);
        if (found.length != 1) {
            throw new IllegalArgumentException(found.length + " methods named " + name + " in " + owner.getName());
        }
        return of(found[0]);
    }

    static String descriptorOf(Method m) {
        return java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }

    /** {@code SimpleClass.method}, as in error messages. */
    public String displayName() {
        String n = owner.getName();
        return n.substring(n.lastIndexOf('.') + 1) + "." + methodName;
    }
}
