package ai.kimitornado.tasks.emit.ptx;

import static org.junit.jupiter.api.Assertions.fail;

import ai.kimitornado.tasks.backend.cuda.PtxListing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test harness around NVIDIA's offline assembler: assembles generated PTX for a target and fails the
 * test with ptxas's message and the PTX around the line it names. Tests skip (with the reason) only
 * where ptxas is not installed.
 */
public final class Ptxas {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/local/cuda/bin/ptxas"),
            Path.of("/usr/local/cuda-13.0/bin/ptxas"), Path.of("/usr/local/bin/ptxas"));
    private static final Optional<Path> EXECUTABLE = locate();

    private Ptxas() {
    }

    /** ptxas from PATH, else the usual CUDA install locations. */
    public static Optional<Path> locate() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "ptxas");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    /** Skips the calling test, saying why, when ptxas is absent. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(EXECUTABLE.isPresent(),
                "ptxas not found on PATH or under /usr/local/cuda*/bin: PTX assembly checks skipped");
    }

    /** Result of one assembly: exit status and ptxas's combined output (with -v: registers, spills). */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code ptxas -arch=<arch> -v} on {@code ptx}; never throws on a rejection. */
    public static Result run(String ptx, String arch) {
        assumeInstalled();
        try {
            Path dir = Files.createTempDirectory("ptxas");
            Path source = dir.resolve("kernel.ptx");
            Path cubin = dir.resolve("kernel.cubin");
            Files.writeString(source, ptx, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(EXECUTABLE.orElseThrow().toString(), "-arch=" + arch, "-v",
                    "-o", cubin.toString(), source.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "ptxas timed out after 120 s\n" + output);
            }
            Files.deleteIfExists(cubin);
            Files.deleteIfExists(source);
            Files.deleteIfExists(dir);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("could not run ptxas: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ptxas", e);
        }
    }

    /** Assembles {@code ptx}; fails the test naming {@code what} with ptxas's message and the PTX around it. */
    public static Result assemble(String ptx, String arch, String what) {
        Result result = run(ptx, arch);
        if (!result.ok()) {
            fail("ptxas -arch=" + arch + " rejected the PTX of " + what + " (exit " + result.exitCode() + "):\n"
                    + PtxListing.explain(ptx, result.output(), 4));
        }
        return result;
    }
}
