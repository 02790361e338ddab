package ai.kimitornado.tasks.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a loop variable as parallel: {@code for (@Parallel int i = lo; i < n; i++)}. Loops may nest 1–3 deep;
 * the outermost is dimension 0. A TYPE_USE annotation so that javac records it (with its bytecode range) in the
 * method's Code attribute as a RuntimeVisibleTypeAnnotation with a LOCAL_VARIABLE target, which the JIT reads.
 * The iterations must be independent; the JIT turns each loop into a grid-stride loop, so any global size is
 * correct.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE_USE)
public @interface Parallel {
}
