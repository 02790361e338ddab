package ai.kimitornado.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restarts the CLI with the JDK's signal-chaining library preloaded on machines with GPU drivers.
 *
 * <p>HotSpot relies on its own SIGSEGV handler (implicit null checks, safepoint polls). NVIDIA's driver
 * stack installs handlers of its own at moments we do not control; on the H200 machine the JVM then died
 * at a safepoint poll with a bare "Segmentation fault" in about half of the longer runs, even with the
 * handlers restored around driver init and builds ({@code NativeSignals}). {@code libjsig.so} (shipped in
 * every JDK and jlink'ed runtime) chains the handlers, but must be preloaded, and users start us with
 * {@code java -jar}: so when a GPU driver is present and libjsig is not preloaded, the CLI runs itself once
 * more as a child process with {@code LD_PRELOAD} set and passes its exit status through.
 */
final class SignalChaining {
    static final String GUARD = "KIMI_TORNADO_NO_RELAUNCH";

    private SignalChaining() {}

    /** The child's exit status when a relaunch happened; empty when this process should run the command itself. */
    static Optional<Integer> relaunchIfNeeded(String[] args) {
        if (System.getenv(GUARD) != null) return Optional.empty();
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        String preload = System.getenv("LD_PRELOAD");
        if (!Files.isRegularFile(jsig) || (preload != null && preload.contains("libjsig")) || !gpuDriverPresent()) {
            return Optional.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) return Optional.empty();
        List<String> cmd = new ArrayList<>();
        cmd.add(java.get());
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        cmd.addAll(jvmArgs);
        if (jvmArgs.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // -jar's manifest entry does not apply to -cp
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("LD_PRELOAD", jsig + (preload == null || preload.isBlank() ? "" : ":" + preload));
        pb.environment().put(GUARD, "1");
        try {
            return Optional.of(pb.start().waitFor());
        } catch (IOException e) {
            System.err.println("kimi-tornado: could not restart with " + jsig + " preloaded (" + e.getMessage()
                    + "); continuing without signal chaining");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /** NVIDIA (or AMD KFD) device nodes: where driver stacks that install signal handlers get loaded. */
    private static boolean gpuDriverPresent() {
        return Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/kfd"));
    }
}
