package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.api.TornadoDevice;
import java.util.Arrays;
import java.util.List;

/**
 * The tiny-a acceptance as a plain program, for machines without Maven (the GPU machine):
 * {@code java -Dkimi.shared=DIR -cp ... ai.kimitornado.model.graph.TinyAOnDevices [device ...]} (no device: all).
 * Prints per device the worst logit error over every prompt position, whether greedy ids match, and the
 * prefill(64)+decode step error; exits 1 on any failure.
 */
public final class TinyAOnDevices {
    public static void main(String[] args) {
        List<String> devices = args.length > 0 ? List.of(args)
                : TornadoDevice.all().stream().map(TornadoDevice::getId).toList();
        boolean ok = true;
        try (TinyAFixture fixture = new TinyAFixture()) {
            for (String device : devices) {
                try {
                    ok &= run(fixture, device);
                } catch (RuntimeException e) {
                    ok = false;
                    System.out.println(device + ": FAILED " + e);
                    e.printStackTrace(System.out);
                }
            }
        }
        System.exit(ok ? 0 : 1);
    }

    static boolean run(TinyAFixture fixture, String device) {
        long t0 = System.nanoTime();
        DeviceEngine.Options options = DeviceEngine.Options.defaults(device).withMaxContext(256).withPrefillChunk(64) // prompts of 65 and 130 tokens cross chunks
                .withCaptureHidden(Boolean.getBoolean("capture"))
                .withAllLogits(true);
        try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, RuntimeGraphExecutor.on(device))) {
            double worst = 0;
            for (int n = 0; n < 5; n++) {
                int[] ids = fixture.ids("prompt." + n + ".ids");
                float[][] expected = fixture.rows("prompt." + n + ".logits");
                engine.reset();
                float[][] actual = engine.prefillLogits(ids);
                for (int t = 0; t < ids.length; t++) {
                    worst = Math.max(worst, TinyAFixture.relativeRowError(expected[t], actual[t]));
                }
            }
            int[] expectedIds = fixture.ids("generate.ids");
            int[] prompt = fixture.ids("prompt.3.ids");
            engine.reset();
            int[] generated = Arrays.copyOf(prompt, expectedIds.length);
            int next = engine.prefill(prompt);
            long d0 = System.nanoTime();
            int steps = 0;
            for (int i = prompt.length; i < expectedIds.length; i++) {
                generated[i] = next;
                if (i + 1 < expectedIds.length) {
                    next = engine.decode(next);
                    steps++;
                }
            }
            double decodeMs = (System.nanoTime() - d0) / 1e6 / steps;
            boolean idsOk = Arrays.equals(expectedIds, generated);
            engine.reset();
            engine.prefill(Arrays.copyOf(prompt, 64));
            engine.decode(prompt[64]);
            double step = TinyAFixture.relativeRowError(fixture.reference.tensor("generate.step_logits").toFloatArray(),
                    engine.logits());
            boolean pass = worst <= 1e-4 && idsOk && step <= 1e-4;
            System.out.printf("%-14s max|Δlogit|/rowmax %.3g  greedy ids %s  step %.3g  decode %.2f ms/token  total %.1f s  %s%n",
                    device, worst, idsOk ? "identical" : "DIFFER", step, decodeMs, (System.nanoTime() - t0) / 1e9,
                    pass ? "PASS" : "FAIL");
            return pass;
        }
    }
}
