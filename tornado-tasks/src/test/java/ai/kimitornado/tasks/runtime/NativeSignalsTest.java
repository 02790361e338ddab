package ai.kimitornado.tasks.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** A "driver" that replaces a handler inside {@link NativeSignals#preserving} gets it put back. */
class NativeSignalsTest {
    /** SIGURG: ignored by default and unused by HotSpot, so the test can change it safely. */
    private static final int SIGURG = 23;
    private static final long SIG_IGN = 1;

    private static long handler(Arena arena) {
        MemorySegment act = arena.allocate(256);
        NativeSignals.sigaction(SIGURG, MemorySegment.NULL, act);
        return act.get(ValueLayout.JAVA_LONG, 0);
    }

    @Test
    void aReplacedHandlerIsRestored() {
        org.junit.jupiter.api.Assumptions.assumeFalse(String.valueOf(System.getenv("LD_PRELOAD")).contains("libjsig"),
                "libjsig is preloaded: it chains handlers itself and NativeSignals stands aside");
        try (Arena arena = Arena.ofConfined()) {
            long before = handler(arena);
            long inside = NativeSignals.preserving(new int[] {SIGURG}, "test driver", () -> {
                MemorySegment act = arena.allocate(256);
                NativeSignals.sigaction(SIGURG, MemorySegment.NULL, act);
                act.set(ValueLayout.JAVA_LONG, 0, before == SIG_IGN ? 0 : SIG_IGN); // the "driver" installs its own
                NativeSignals.sigaction(SIGURG, act, MemorySegment.NULL);
                return handler(arena);
            });
            assertNotEquals(before, inside, "the simulated driver did change the handler");
            assertEquals(before, handler(arena), "preserving() put the original handler back");
            assertTrue(NativeSignals.restoredHandlers().stream().anyMatch(s -> s.contains("test driver")));
        }
    }

    /**
     * Two driver calls in flight at once (kernels load on several threads): a handler one "driver" installs while the
     * other call is still running is put back, and the saved original is the JVM's, not the other driver's.
     */
    @Test
    void overlappingCallsRestoreTheOriginalHandler() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(String.valueOf(System.getenv("LD_PRELOAD")).contains("libjsig"),
                "libjsig is preloaded: it chains handlers itself and NativeSignals stands aside");
        int[] guarded = {SIGURG};
        try (Arena arena = Arena.ofShared()) {
            long before = handler(arena);
            long replacement = before == SIG_IGN ? 0 : SIG_IGN;
            java.util.concurrent.CountDownLatch firstInside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch secondInstalled = new java.util.concurrent.CountDownLatch(1);
            Thread first = new Thread(() -> NativeSignals.preserving(guarded, "overlap driver 1", () -> {
                firstInside.countDown();
                try {
                    secondInstalled.await(); // the second call enters and replaces the handler while this one runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            first.start();
            firstInside.await();
            NativeSignals.preserving(guarded, "overlap driver 2", () -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment act = a.allocate(256);
                    NativeSignals.sigaction(SIGURG, MemorySegment.NULL, act);
                    act.set(ValueLayout.JAVA_LONG, 0, replacement);
                    NativeSignals.sigaction(SIGURG, act, MemorySegment.NULL);
                }
                return null;
            });
            assertEquals(before, handler(arena), "restored when the second call ended, the first still in flight");
            // a third call entering now must not save anything else as the original
            NativeSignals.preserving(guarded, "overlap driver 3", () -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment act = a.allocate(256);
                    NativeSignals.sigaction(SIGURG, MemorySegment.NULL, act);
                    act.set(ValueLayout.JAVA_LONG, 0, replacement);
                    NativeSignals.sigaction(SIGURG, act, MemorySegment.NULL);
                }
                return null;
            });
            secondInstalled.countDown();
            first.join();
            assertEquals(before, handler(arena), "the JVM's handler is in place after all calls ended");
        }
    }
}
