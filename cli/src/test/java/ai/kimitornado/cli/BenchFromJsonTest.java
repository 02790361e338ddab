package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --from-json}: the table and chart of a run made elsewhere (the committed H200 result). */
class BenchFromJsonTest {
    static final Path H200 = Path.of("..", "bench", "results", "h200", "bench-h200-random48b.json");

    @Test
    void redrawsTheH200RunAndRejectsOtherJson(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("chart.png");
        CliCommandsTest.Run r = CliCommandsTest.run("bench", "--from-json", H200.toString(), "--chart", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("cuda:0") && r.out().contains("opencl:1:0") && r.out().contains("tg128@4096 TPOT ms"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1600, image.getWidth());
        assertEquals(900, image.getHeight());

        Path notBench = tmp.resolve("other.json");
        Files.writeString(notBench, "{\"schema\": \"something-else\", \"devices\": []}");
        CliCommandsTest.Run bad = CliCommandsTest.run("bench", "--from-json", notBench.toString());
        assertNotEquals(0, bad.exit());
        assertTrue(bad.err().contains("schema"), bad.err());
    }
}
