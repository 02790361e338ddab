package ai.kimitornado.tasks.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Backend SPI, part 1: one driver family ({@code java}, {@code opencl}, {@code cuda}, {@code spirv}).
 * Implementations have a public no-argument constructor and are found by {@link DeviceRegistry}
 * (see tornado-tasks/RUNTIME.md). Construction must be cheap and must not fail when the driver is
 * missing: {@link #devices()} is then empty and {@link #unavailableReason()} says why in one line.
 */
public interface Backend {

    /** {@code java}, {@code opencl}, {@code cuda}, {@code spirv}: the prefix of its device ids. */
    String name();

    /** Every usable device; empty (never an exception) when the driver is absent. */
    List<? extends Device> devices();

    /** One line when the backend has no devices because its driver/library is missing or broken. */
    Optional<String> unavailableReason();
}
