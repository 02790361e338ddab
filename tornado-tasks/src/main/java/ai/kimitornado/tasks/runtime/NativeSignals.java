package ai.kimitornado.tasks.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps the JVM's own signal handlers in place around driver calls.
 *
 * <p>HotSpot handles SIGSEGV/SIGBUS/SIGFPE/SIGILL itself (implicit null checks, safepoint polls, stack
 * banging). Some OpenCL drivers install their own handlers when they initialise or compile (seen on the
 * H200 machine: after the ICDs loaded, the first safepoint poll of a busy java-backend run killed the JVM
 * with a bare "Segmentation fault", no hs_err file). libjsig would chain them, but users start us with
 * {@code java -jar}, so instead every driver call that may install handlers runs inside
 * {@link #preserving}: the handlers are read before and put back after if the driver replaced them.
 * Drivers lose nothing they need for correct results; their handlers only report crashes.
 */
public final class NativeSignals {
    private static final int SIGILL = 4, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;
    private static final int[] GUARDED = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    /** glibc's struct sigaction is 152 bytes on x86_64/aarch64; kept opaque, with room to spare. */
    private static final long SIGACTION_BYTES = 256;
    private static final MethodHandle SIGACTION = lookupSigaction();
    private static final List<String> restored = new ArrayList<>();
    private static final boolean JSIG_PRELOADED = String.valueOf(System.getenv("LD_PRELOAD")).contains("libjsig");

    private NativeSignals() {}

    /** Runs {@code call}; any of the guarded signal handlers it replaced is restored afterwards. */
    public static <T> T preserving(String what, Supplier<T> call) {
        return preserving(GUARDED, what, call);
    }

    static <T> T preserving(int[] guarded, String what, Supplier<T> call) {
        // with libjsig preloaded, sigaction is interposed and chains handlers itself; restoring would chain
        // the JVM's handler to itself
        if (SIGACTION == null || JSIG_PRELOADED) return call.get();
        // Driver calls may overlap (kernels are loaded on several threads): the JVM's handlers are read when the first
        // guarded call starts, and every call that ends puts back any of them a driver replaced meanwhile. Reading them
        // again while another call is in flight could save a driver's handler as the "original".
        MemorySegment[] original = enter(guarded);
        try {
            return call.get();
        } finally {
            leave(guarded, original, what);
        }
    }

    private static int inFlight;
    private static MemorySegment[] jvmHandlers;
    private static int[] jvmHandlersFor;

    private static synchronized MemorySegment[] enter(int[] guarded) {
        if (inFlight == 0 || jvmHandlersFor != guarded) {
            if (inFlight > 0) {
                // another signal set while calls are in flight (tests only): restore that set first
                for (int i = 0; i < jvmHandlersFor.length; i++) restoreIfReplaced(jvmHandlersFor[i], jvmHandlers[i], "(switch)");
            }
            Arena arena = Arena.ofAuto();
            MemorySegment[] saved = new MemorySegment[guarded.length];
            for (int i = 0; i < guarded.length; i++) {
                saved[i] = arena.allocate(SIGACTION_BYTES);
                sigaction(guarded[i], MemorySegment.NULL, saved[i]);
            }
            jvmHandlers = saved;
            jvmHandlersFor = guarded;
        }
        inFlight++;
        return jvmHandlers;
    }

    private static synchronized void leave(int[] guarded, MemorySegment[] original, String what) {
        for (int i = 0; i < guarded.length; i++) restoreIfReplaced(guarded[i], original[i], what);
        inFlight--;
    }

    private static void restoreIfReplaced(int signal, MemorySegment original, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(SIGACTION_BYTES);
            sigaction(signal, MemorySegment.NULL, now);
            // the handler pointer is the first field; a changed handler means the driver installed its own
            if (now.get(ValueLayout.JAVA_LONG, 0) != original.get(ValueLayout.JAVA_LONG, 0)) {
                sigaction(signal, original, MemorySegment.NULL);
                restored.add("signal " + signal + " after " + what);
            }
        }
    }

    public static void preserving(String what, Runnable call) {
        preserving(what, () -> {
            call.run();
            return null;
        });
    }

    /** Which handlers a driver replaced and we put back (for diagnostics). */
    public static synchronized List<String> restoredHandlers() {
        return List.copyOf(restored);
    }

    static void sigaction(int signal, MemorySegment act, MemorySegment old) {
        try {
            int rc = (int) SIGACTION.invokeExact(signal, act, old);
            if (rc != 0) throw new IllegalStateException("sigaction(" + signal + ") failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle lookupSigaction() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("sigaction")
                .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                .orElse(null);
    }
}
