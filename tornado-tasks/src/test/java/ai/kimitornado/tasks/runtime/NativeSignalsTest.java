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
}
