package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UploadProgressTest {
    @Test
    void drawsEachPercentOnceAndEndsTheLineAtTheTotal() {
        long seed = System.nanoTime();
        System.out.println("UploadProgressTest seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        long total = 5L << 30;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        UploadProgress p = new UploadProgress(total, new PrintStream(buf, true, StandardCharsets.UTF_8));
        long sent = 0;
        while (sent < total) {
            long chunk = Math.min(total - sent, 1 + rnd.nextLong(64L << 20));
            p.accept(chunk);
            sent += chunk;
        }
        p.accept(4096); // a per-step copy after the upload: no further drawing
        String text = buf.toString(StandardCharsets.UTF_8);
        String[] frames = text.split("\r", -1);
        int last = -1;
        for (int i = 1; i < frames.length; i++) {
            int percent = Integer.parseInt(frames[i].replaceAll(".*\\]\\s*(\\d+)%.*\\s*", "$1").strip());
            assertTrue(percent > last, "percent strictly increases: " + last + " then " + percent);
            last = percent;
        }
        assertEquals(100, last);
        assertTrue(text.endsWith("5.0 / 5.0 GiB" + System.lineSeparator()), text.substring(Math.max(0, text.length() - 80)));
    }

    @Test
    void theExecutorReportsEveryWeightByteOnAnOpenClDevice() {
        var opencl = ai.kimitornado.tasks.api.TornadoDevice.all().stream().map(ai.kimitornado.tasks.api.TornadoDevice::getId)
                .filter(id -> id.startsWith("opencl:")).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(opencl.isPresent(), "no OpenCL device");
        try (TinyAFixture fixture = new TinyAFixture()) {
            RuntimeGraphExecutor executor = RuntimeGraphExecutor.on(opencl.get());
            java.util.concurrent.atomic.AtomicLong uploaded = new java.util.concurrent.atomic.AtomicLong();
            executor.setUploadListener(uploaded::addAndGet);
            DeviceEngine.Options options = DeviceEngine.Options.defaults(opencl.get()).withMaxContext(64);
            try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, executor)) {
                engine.prefill(new int[] {5, 6, 7});
                long weights = ModelWeights.load(fixture.config, ModelDims.of(fixture.config), fixture.model).bytes();
                assertTrue(uploaded.get() >= weights, "uploaded " + uploaded.get() + " bytes, weights alone are " + weights);
            }
        }
    }
}
