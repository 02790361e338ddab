package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench} on the java device with tiny-a: the documented JSON fields with sane values, a readable PNG, clear errors. */
class BenchCommandTest {

    @Test
    void javaDeviceWritesDocumentedJsonAndChart(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("b.json");
        Path png = dir.resolve("b.png");
        CliCommandsTest.Run r = CliCommandsTest.run("bench", "--model", CliCommandsTest.TINY.toString(), "--devices", "java",
                "--prompt-lens", "3,5", "--gen-len", "3", "--repeat", "2", "--copy-mib", "8", "--prefill-chunk", "4",
                "--json", json.toString(), "--chart", png.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("| java ") && r.out().contains("pp5 tok/s"), r.out());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(BenchCommand.SCHEMA, root.get("schema").asText());
        assertEquals(List.of(3, 5), List.of(root.at("/settings/promptLens/0").asInt(), root.at("/settings/promptLens/1").asInt()));
        assertTrue(root.at("/model/decodeWeightBytes").asLong() > 0
                && root.at("/model/decodeWeightBytes").asLong() < root.at("/model/weightBytes").asLong(),
                "top-k experts read fewer bytes than the model holds: " + root.get("model"));
        assertEquals(4, root.at("/settings/prefillChunk").asInt());
        JsonNode d = root.at("/devices/0");
        assertEquals("java", d.get("device").asText());
        assertTrue(d.at("/copy/bestGBs").asDouble() > 0, d.toString());
        assertTrue(d.at("/jit/coldMs").asDouble() > 0 && d.at("/jit/cachedMs").asDouble() > 0, d.get("jit").toString());
        assertTrue(d.at("/weightUploadMs/median").asDouble() >= 0, "the java device shares host memory: upload 0 or more");
        assertEquals(2, d.get("prompts").size());
        for (JsonNode p : d.get("prompts")) {
            for (String metric : new String[] {"ttftMs", "prefillTokPerS", "tpotMs", "tpotP90Ms", "decodeTokPerS"}) {
                JsonNode s = p.get(metric);
                assertNotNull(s, metric + " missing in " + p);
                assertTrue(s.get("min").asDouble() > 0 && s.get("min").asDouble() <= s.get("median").asDouble()
                        && s.get("median").asDouble() <= s.get("max").asDouble(), metric + " " + s);
                assertEquals(2, s.get("samples").size(), metric + ": one sample per repeat");
            }
            assertTrue(p.at("/tpotP90Ms/median").asDouble() >= p.at("/tpotMs/median").asDouble() * 0.999, p.toString());
            double fraction = p.get("floorFraction").asDouble();
            assertTrue(fraction > 0 && fraction < 1.5, "fraction of the bandwidth floor " + fraction);
            assertTrue(p.get("bytesPerToken").asLong() >= root.at("/model/decodeWeightBytes").asLong(), p.toString());
        }
        assertEquals(2, d.get("breakdown").size());
        for (JsonNode b : d.get("breakdown")) {
            for (String c : KernelClasses.ORDER) assertTrue(b.at("/ms").has(c), c + " missing in " + b);
            assertTrue(b.at("/ms/GEMV").asDouble() > 0 && b.at("/ms/total").asDouble() > 0, b.toString());
            JsonNode top = b.get("top");
            assertTrue(top.size() > 0 && top.size() <= KernelClasses.TOP, b.toString());
            for (int i = 0; i < top.size(); i++) {
                JsonNode t = top.get(i);
                assertTrue(!t.get("role").asText().matches("(.*[.])?l\\d+_.*") && t.get("kernel").asText().contains("."), t.toString());
                assertTrue(t.get("launches").asDouble() > 0, t.toString());
                if (i > 0) assertTrue(t.get("ms").asDouble() <= top.get(i - 1).get("ms").asDouble(), "largest first: " + top);
            }
        }

        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO cannot read " + png);
        assertEquals(BenchChart.WIDTH, img.getWidth());
        assertEquals(BenchChart.HEIGHT, img.getHeight());
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                if ((img.getRGB(x, y) & 0xffffff) == 0x1f77b4) coloured++; // the first device's bar colour
            }
        }
        assertTrue(coloured > 50, "bars of the first device drawn: " + coloured + " sampled pixels");
    }

    @Test
    void singleOpenReportsTheColdCompileAndNoCachedFigure(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("one.json");
        CliCommandsTest.Run r = CliCommandsTest.run("bench", "--model", CliCommandsTest.TINY.toString(), "--devices", "java",
                "--prompt-lens", "3", "--gen-len", "2", "--copy-mib", "8", "--no-cold-jit", "--json", json.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode jit = new ObjectMapper().readTree(json.toFile()).at("/devices/0/jit");
        assertTrue(jit.get("coldMs").asDouble() > 0, "the only open compiled from an empty cache: " + jit);
        assertTrue(jit.get("cachedMs").isNull(), "no cached open was made, so no cached figure: " + jit);
        assertTrue(r.out().contains(" / n/a"), "table shows the missing cached figure as n/a: " + r.out());
    }

    /**
     * {@code --jit-cache DIR} run twice: the first run's open is cold, the second run's first open loads every kernel
     * from the disk cache and is reported as the cached figure, with its phases (a fresh process is simulated: the
     * device's programs dropped and the directory named differently, so no in-memory layer serves it).
     */
    @Test
    void secondRunOverTheSameJitCacheReportsItsFirstOpenAsCached(@TempDir Path dir) throws Exception {
        var cl = ai.kimitornado.tasks.runtime.DeviceRegistry.get().devices().stream()
                .filter(d -> d instanceof ai.kimitornado.tasks.backend.opencl.OpenClDevice).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(cl.isPresent(), "no OpenCL device");
        String id = cl.get().id();
        String[] common = {"bench", "--model", CliCommandsTest.TINY.toString(), "--devices", id, "--prompt-lens", "3",
            "--gen-len", "2", "--copy-mib", "8", "--no-cold-jit"};
        Path one = dir.resolve("one.json");
        CliCommandsTest.Run r = CliCommandsTest.run(concat(common, "--jit-cache", dir.resolve("kc").toString(), "--json", one.toString()));
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode jit = new ObjectMapper().readTree(one.toFile()).at("/devices/0/jit");
        assertEquals("cold", jit.at("/opens/0/what").asText(), jit.toString());
        assertTrue(jit.get("coldMs").asDouble() > 0 && jit.get("cachedMs").isNull(), jit.toString());
        assertTrue(jit.at("/opens/0/builtFromSource").asLong() > 0, jit.toString());

        ((ai.kimitornado.tasks.backend.opencl.OpenClDevice) cl.get()).clearProgramCache();
        Path two = dir.resolve("two.json");
        r = CliCommandsTest.run(concat(common, "--jit-cache", dir.resolve(".").resolve("kc").toString(), "--json", two.toString()));
        assertEquals(0, r.exit(), r.err() + r.out());
        jit = new ObjectMapper().readTree(two.toFile()).at("/devices/0/jit");
        JsonNode open = jit.at("/opens/0");
        assertEquals("first open, disk cache", open.get("what").asText(), jit.toString());
        assertTrue(jit.get("coldMs").isNull(), jit.toString());
        assertEquals(open.get("wallMs").asDouble(), jit.get("cachedMs").asDouble(), 1e-9, jit.toString());
        assertEquals(0, open.get("builtFromSource").asLong(), "nothing built from source: " + open);
        assertTrue(open.get("loadedFromCache").asLong() > 0 && open.get("tasks").asInt() >= open.get("kernels").asInt(), open.toString());
        assertEquals(0, open.get("cacheRejected").asLong(), open.toString());
        assertTrue(open.at("/phases/driver_from_cache/count").asLong() > 0 && open.at("/phases/front_end/count").asLong() > 0,
                open.toString());
        assertTrue(open.get("cacheState").asText().contains("entries found"), open.toString());
        assertTrue(open.get("driverCache").asText().matches("(?s).*(cache (enabled|disabled)|unknown).*"), open.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badArgumentsGiveClearErrors() {
        String tiny = CliCommandsTest.TINY.toString();
        expectError("Missing required argument", "bench", "--devices", "java");
        expectError("--random-weights 'nosuch': expected real48B", "bench", "--random-weights", "nosuch", "--devices", "java");
        expectError("--repeat must be at least 1", "bench", "--model", tiny, "--devices", "java", "--repeat", "0");
        expectError("--gen-len must be at least 2", "bench", "--model", tiny, "--devices", "java", "--gen-len", "1");
        expectError("'abc' is not an integer", "bench", "--model", tiny, "--devices", "java", "--prompt-lens", "4,abc");
        expectError("--prefill-chunk must be in 1..1024", "bench", "--model", tiny, "--devices", "java", "--prefill-chunk", "0");
        expectError("must end in .png", "bench", "--model", tiny, "--devices", "java", "--chart", "x.jpg");
        expectError("no config.json", "bench", "--model", "/nonexistent/model", "--devices", "java");
        expectError("--devices: ", "bench", "--model", tiny, "--devices", "opencl:99:99");
    }

    private static void expectError(String message, String... args) {
        CliCommandsTest.Run r = CliCommandsTest.run(args);
        assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }
}
