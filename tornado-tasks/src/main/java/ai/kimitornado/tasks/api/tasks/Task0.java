package ai.kimitornado.tasks.api.tasks;

import java.io.Serializable;

/**
 * A kernel of 0 arguments, given as a method reference to a {@code public static void} method. Serializable so
 * that the runtime can find the method through its {@code SerializedLambda}.
 */
@FunctionalInterface
public interface Task0 extends Serializable {
    void apply();
}
