package ai.kimitornado.tasks.api.tasks;

import java.io.Serializable;

/**
 * A kernel of 3 arguments, given as a method reference to a {@code public static void} method. Serializable so
 * that the runtime can find the method through its {@code SerializedLambda}.
 */
@FunctionalInterface
public interface Task3<T1, T2, T3> extends Serializable {
    void apply(T1 a1, T2 a2, T3 a3);
}
