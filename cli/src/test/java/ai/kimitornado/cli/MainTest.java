package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpSucceedsAndUnknownCommandFails() {
        assertEquals(0, Main.commandLine().execute("--help"));
        assertNotEquals(0, Main.commandLine().execute("no-such-command"));
    }
}
