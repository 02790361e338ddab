package ai.kimitornado.tasks.api.tasks;

import java.io.Serializable;

/**
 * A kernel of 1 argument, given as a method reference to a {@code public static void} method. Serializable so
 * that the runtime can find the method through its {@code SerializedLambda}.
 */
@FunctionalInterface
public interface Task1<T1> extends Serializable {
    void apply(T1 a1);
}
