package ai.kimitornado.tasks.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Finds {@code libcuda.so.1} (the driver API, installed with the NVIDIA driver) on the loader path.
 * Nothing here throws when the driver is absent: {@link #loadFailure()} says why in one line and the
 * cuda backend then lists no devices.
 */
public final class CudaLibrary {
    static final String LIBRARY = "libcuda.so.1";
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP;
    private static final String LOAD_FAILURE;

    static {
        SymbolLookup lookup = null;
        String failure = null;
        try {
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            failure = LIBRARY + " not found on the loader path (no NVIDIA driver installed): " + e.getMessage();
        }
        LOOKUP = lookup;
        LOAD_FAILURE = failure;
    }

    private CudaLibrary() {
    }

    /** True when libcuda.so.1 was found (the driver may still report no devices). */
    public static boolean isLoaded() {
        return LOOKUP != null;
    }

    /** Why the library could not be loaded, or empty. */
    public static Optional<String> loadFailure() {
        return Optional.ofNullable(LOAD_FAILURE);
    }

    /** A downcall to a required driver symbol. */
    static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return optionalFunction(name, descriptor)
                .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name
                        + " (driver older than CUDA 12?)"));
    }

    /** A downcall to a symbol that older drivers may lack. */
    static Optional<MethodHandle> optionalFunction(String name, FunctionDescriptor descriptor) {
        if (LOOKUP == null) {
            throw new IllegalStateException(LOAD_FAILURE);
        }
        Optional<MemorySegment> symbol = LOOKUP.find(name);
        return symbol.map(address -> LINKER.downcallHandle(address, descriptor));
    }
}
