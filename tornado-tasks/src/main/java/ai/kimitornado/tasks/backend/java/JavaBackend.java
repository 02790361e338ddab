package ai.kimitornado.tasks.backend.java;

import ai.kimitornado.tasks.runtime.Backend;

import java.util.List;
import java.util.Optional;

/** The always-present JVM backend: one device, {@code java}. */
public final class JavaBackend implements Backend {
    private final List<JavaDevice> devices = List.of(new JavaDevice());

    @Override
    public String name() {
        return "java";
    }

    @Override
    public List<JavaDevice> devices() {
        return devices;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }
}
