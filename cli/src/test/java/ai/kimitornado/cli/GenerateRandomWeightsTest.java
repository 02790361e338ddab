package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code generate --random-weights CONFIG --random-prompt N}: the tiny-a config with device-generated weights on java. */
class GenerateRandomWeightsTest {
    static final String CONFIG = CliCommandsTest.TINY.resolve("config.json").toString();

    private static CliCommandsTest.Run generate(String... extra) {
        return generateOn("java", extra);
    }

    private static CliCommandsTest.Run generateOn(String device, String... extra) {
        String[] base = {"generate", "--random-weights", CONFIG, "--device", device, "--random-prompt", "20",
                "--max-tokens", "4", "--ignore-eos", "--print-ids", "--max-context", "64", "--seed", "5"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliCommandsTest.run(args);
    }

    @Test
    void randomWeightsGenerateIsReproducible() {
        CliCommandsTest.Run first = generate("--warmup");
        assertEquals(0, first.exit(), first.err());
        int[] ids = CliCommandsTest.lastLineIds(first.out());
        assertEquals(24, ids.length, "20 prompt + 4 generated ids: " + Arrays.toString(ids));
        int[] prompt = new SplittableRandom(5).ints(20, 0, 512).toArray();
        assertArrayEquals(prompt, Arrays.copyOf(ids, 20), "--random-prompt ids are SplittableRandom(--seed)");
        assertTrue(first.err().contains("random weights"), first.err());
        assertTrue(first.err().contains("decode after the first step"), first.err());

        CliCommandsTest.Run again = generate();
        assertEquals(0, again.exit(), again.err());
        assertArrayEquals(ids, CliCommandsTest.lastLineIds(again.out()), "same --weights-seed, same ids");
    }

    @Test
    void randomWeightsRejectsModelAndReference() {
        CliCommandsTest.Run both = generate("--model", CliCommandsTest.TINY.toString());
        assertNotEquals(0, both.exit());
        assertTrue(both.err().contains("not both"), both.err());
        CliCommandsTest.Run reference = generateOn("reference");
        assertNotEquals(0, reference.exit());
        assertTrue(reference.err().contains("needs a checkpoint"), reference.err());
    }
}
