package ai.kimitornado.tasks.emit.spirv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Khronos command-line tools around SPIR-V, found on PATH: {@code spirv-val} and {@code spirv-dis}
 * (Debian {@code spirv-tools}) and the translator {@code llvm-spirv-15} (Debian {@code llvm-spirv-15}).
 * Each call runs one process on temporary files and returns its output; nothing here is needed to
 * emit SPIR-V, only to check it, print it, or translate it for drivers without native IL support.
 */
public final class SpirvTools {
    /** Translator names tried in order: the Debian versioned binary first, then an unversioned install. */
    public static final List<String> TRANSLATOR_NAMES = List.of("llvm-spirv-15", "llvm-spirv");
    private static final long TIMEOUT_SECONDS = 120;

    private SpirvTools() {
    }

    /** One finished tool run. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, byte[] outputFile) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String describe() {
            return String.join(" ", command) + " exited " + exitCode
                    + (stderr.isBlank() ? "" : ":\n" + stderr.strip())
                    + (stdout.isBlank() ? "" : "\n" + stdout.strip());
        }
    }

    /** The absolute path of an executable on PATH, if any. */
    public static Optional<Path> find(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Optional<Path> findTranslator() {
        for (String name : TRANSLATOR_NAMES) {
            Optional<Path> found = find(name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code spirv-val} under the OpenCL 2.1 environment (the one whose core version is SPIR-V 1.0). That
     * environment rejects the optional Int64Atomics capability (it needs cl_khr_int64_base_atomics on the
     * device), so modules declaring it are checked against the universal SPIR-V 1.0 rules instead.
     */
    public static Result validate(byte[] module) {
        Path tool = require("spirv-val", "Debian package spirv-tools");
        String env = declaresCapability(module, Spv.Capability.Int64Atomics) ? "spv1.0" : "opencl2.1";
        return run(module, null, tool.toString(), "--target-env", env, "@IN");
    }

    /** Scans the module's leading OpCapability instructions. */
    public static boolean declaresCapability(byte[] module, Spv.Capability capability) {
        java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(module).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 20;
        while (at + 8 <= module.length) {
            int first = words.getInt(at);
            if ((first & 0xFFFF) != SpirvOp.Capability) {
                return false;
            }
            if (words.getInt(at + 4) == capability.value) {
                return true;
            }
            at += 4 * (first >>> 16);
        }
        return false;
    }

    /** {@code spirv-dis} text of the module (ids named from OpName where present). */
    public static Result disassemble(byte[] module) {
        Path tool = require("spirv-dis", "Debian package spirv-tools");
        return run(module, null, tool.toString(), "--no-color", "@IN");
    }

    /**
     * {@code llvm-spirv-15 -r}: SPIR-V back to LLVM bitcode with OpenCL 1.2 built-in names, i.e. SPIR 1.2
     * bitcode that drivers with {@code cl_khr_spir} load through clCreateProgramWithBinary.
     */
    public static Result translateToSpirBitcode(byte[] module) {
        Path tool = findTranslator().orElseThrow(() -> new IllegalStateException(
                "SPIR-V translator not found on PATH (tried " + TRANSLATOR_NAMES + "; Debian package llvm-spirv-15)"));
        return run(module, ".bc", tool.toString(), "-r", "--spirv-target-env=CL1.2", "@IN", "-o", "@OUT");
    }

    private static Path require(String executable, String packageHint) {
        return find(executable).orElseThrow(() -> new IllegalStateException(
                executable + " not found on PATH (" + packageHint + ")"));
    }

    /** Runs a tool with @IN replaced by a temp file holding {@code input} and @OUT by a temp output file. */
    private static Result run(byte[] input, String outputSuffix, String... commandTemplate) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kimi-spirv");
            Path in = dir.resolve("module.spv");
            Files.write(in, input);
            Path out = outputSuffix == null ? null : dir.resolve("out" + outputSuffix);
            List<String> command = new ArrayList<>();
            for (String part : commandTemplate) {
                command.add(switch (part) {
                    case "@IN" -> in.toString();
                    case "@OUT" -> out.toString();
                    default -> part;
                });
            }
            Path stdout = dir.resolve("stdout.txt");
            Path stderr = dir.resolve("stderr.txt");
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            byte[] produced = out != null && Files.exists(out) ? Files.readAllBytes(out) : null;
            return new Result(List.copyOf(command), process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8), produced);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + Arrays.toString(commandTemplate), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + Arrays.toString(commandTemplate), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temp directory is harmless; the tool's result matters
        }
    }
}
