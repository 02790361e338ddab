package ai.kimitornado.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import ai.kimitornado.model.kernels.RmsNormRows;
import ai.kimitornado.tasks.backend.cuda.PtxListing;
import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CI gate of the PTX backend for the model: every public static void method of ai.kimitornado.model.kernels
 * (found on the class path, so new kernels are covered without editing this test) is compiled by the JIT,
 * emitted as PTX and assembled by ptxas for sm_90. Skipped, saying so, only where ptxas is absent.
 */
class ModelKernelsPtxTest {
    private static final String PACKAGE = "ai.kimitornado.model.kernels";

    static Stream<Method> kernels() throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(RmsNormRows.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classNames = new ArrayList<>();
        String dir = PACKAGE.replace('.', '/');
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).forEach(classNames::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(dir + "/") && n.indexOf('/', dir.length() + 1) < 0)
                        .map(n -> n.substring(dir.length() + 1)).forEach(classNames::add);
            }
        }
        List<Method> methods = new ArrayList<>();
        for (String file : classNames) {
            if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
                continue;
            }
            Class<?> c = Class.forName(PACKAGE + "." + file.substring(0, file.length() - ".class".length()));
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && m.getReturnType() == void.class && !m.isSynthetic()) {
                    methods.add(m);
                }
            }
        }
        methods.sort(Comparator.comparing((Method m) -> m.getDeclaringClass().getSimpleName()).thenComparing(Method::getName));
        assertFalse(methods.isEmpty(), "no kernels found in " + PACKAGE + " at " + location);
        return methods.stream();
    }

    private static Optional<Path> ptxas() {
        String path = System.getenv("PATH");
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(d, "ptxas"));
            }
        }
        candidates.add(Path.of("/usr/local/cuda/bin/ptxas"));
        candidates.add(Path.of("/usr/local/cuda-13.0/bin/ptxas"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void assemblesForSm90(Method kernel) throws IOException, InterruptedException {
        Optional<Path> ptxas = ptxas();
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not found on PATH or under /usr/local/cuda*/bin: PTX assembly skipped");
        String name = kernel.getDeclaringClass().getSimpleName() + "." + kernel.getName();
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(kernel));
        String ptx = PtxEmitter.emit(ir, PtxTarget.SM_90).source();
        Path source = Files.createTempFile("model-kernel", ".ptx");
        try {
            Files.writeString(source, ptx, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(ptxas.get().toString(), "-arch=sm_90", "-o", "/dev/null", source.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("ptxas timed out on " + name);
            }
            if (p.exitValue() != 0) {
                fail("ptxas -arch=sm_90 rejected the PTX of " + name + ":\n" + PtxListing.explain(ptx, out, 4));
            }
        } finally {
            Files.deleteIfExists(source);
        }
    }
}
