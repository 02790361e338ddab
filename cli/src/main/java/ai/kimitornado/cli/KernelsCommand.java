package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kernels --backend opencl --out DIR [--class C ...]} (default: every class of the model's kernels): writes the generated code of
 * every kernel-shaped method (public static void, parameters only off-heap arrays, primitives and
 * KernelContext) of the classes, one file per kernel; a kernel the JIT rejects gets a
 * {@code .error.txt} with the reason, and the command exits 1.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Write the generated device code of the kernels in one or more classes, for inspection.")
final class KernelsCommand implements Callable<Integer> {

    @Option(names = "--backend", defaultValue = "opencl", description = "Code to generate: opencl (OpenCL C), spirv (.spv + spirv-dis .spvasm), ptx (PTX for sm_90, the H200), or ir (the JIT's IR). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into (created).")
    Path out;

    @Option(names = "--class", paramLabel = "C", description = "Fully qualified class name; repeatable. Default: every class of the model's kernels (" + MODEL_KERNELS + ").")
    List<String> classes;

    /** Package of the Kimi Linear kernels in model-graph: the default set of classes. */
    static final String MODEL_KERNELS = "ai.kimitornado.model.kernels";

    @Override
    public Integer call() throws IOException {
        if (!List.of("opencl", "ir", "spirv", "ptx").contains(backend)) {
            System.err.println("unknown --backend " + backend + "; this build generates: opencl, spirv, ptx, ir");
            return 2;
        }
        Files.createDirectories(out);
        int written = 0, failed = 0;
        if (classes == null || classes.isEmpty()) classes = modelKernelClasses();
        for (String cn : classes) {
            Class<?> c;
            try {
                c = Class.forName(cn);
            } catch (ClassNotFoundException e) {
                System.err.println("class not found: " + cn);
                return 2;
            }
            List<Method> kernels = kernelMethods(c);
            if (kernels.isEmpty()) System.err.println(cn + ": no kernel-shaped methods (public static void with array/primitive/KernelContext parameters)");
            for (Method m : kernels) {
                String base = c.getSimpleName() + "." + m.getName() + (overloaded(kernels, m) ? "_" + m.getParameterCount() : "");
                try {
                    KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(m));
                    if (backend.equals("spirv")) {
                        for (Path f : ai.kimitornado.tasks.emit.spirv.SpirvFiles.write(ir, out, base)) System.out.println("wrote " + f);
                        written++;
                        continue;
                    }
                    String code = switch (backend) {
                        case "ir" -> ir.dump();
                        case "ptx" -> ai.kimitornado.tasks.emit.ptx.PtxEmitter.emit(ir, ai.kimitornado.tasks.emit.ptx.PtxTarget.SM_90).source();
                        default -> OpenClEmitter.emit(ir).source();
                    };
                    Path f = out.resolve(base + switch (backend) {
                        case "ir" -> ".ir.txt";
                        case "ptx" -> ".ptx";
                        default -> ".cl";
                    });
                    Files.writeString(f, code);
                    System.out.println("wrote " + f);
                    written++;
                } catch (RuntimeException e) {
                    Path f = out.resolve(base + ".error.txt");
                    Files.writeString(f, e.getMessage() == null ? e.toString() : e.getMessage());
                    System.err.println(base + ": " + e.getMessage() + " (see " + f + ")");
                    failed++;
                }
            }
        }
        System.out.println(written + " kernels written to " + out + (failed > 0 ? ", " + failed + " rejected" : ""));
        return failed > 0 ? 1 : 0;
    }

    /** Top-level classes of {@link #MODEL_KERNELS}, from the jar or directory that holds them. */
    static List<String> modelKernelClasses() throws IOException {
        String dir = MODEL_KERNELS.replace('.', '/') + "/";
        java.net.URL url = KernelsCommand.class.getClassLoader().getResource(dir);
        if (url == null) throw new IOException("no " + MODEL_KERNELS + " on the class path; pass --class");
        List<String> names = new ArrayList<>();
        if (url.getProtocol().equals("jar")) {
            String jar = url.getPath().substring("file:".length(), url.getPath().indexOf("!/"));
            try (java.util.jar.JarFile jf = new java.util.jar.JarFile(java.net.URLDecoder.decode(jar, java.nio.charset.StandardCharsets.UTF_8))) {
                jf.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith(dir) && n.endsWith(".class") && !n.contains("$") && n.indexOf('/', dir.length()) < 0)
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        } else {
            try (var files = Files.list(Path.of(java.net.URI.create(url.toString())))) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .forEach(n -> names.add(MODEL_KERNELS + "." + n.substring(0, n.length() - 6)));
            }
        }
        names.sort(null);
        return names;
    }

    /** public static void methods whose parameters are all arrays, primitives or KernelContext, with at least one array. */
    static List<Method> kernelMethods(Class<?> c) {
        List<Method> found = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || m.getReturnType() != void.class || m.isSynthetic()) continue;
            boolean ok = Arrays.stream(m.getParameterTypes()).allMatch(t -> t.isPrimitive() || t == KernelContext.class || NativeArray.class.isAssignableFrom(t));
            boolean hasArray = Arrays.stream(m.getParameterTypes()).anyMatch(NativeArray.class::isAssignableFrom);
            if (ok && hasArray) found.add(m);
        }
        found.sort(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount));
        return found;
    }

    private static boolean overloaded(List<Method> all, Method m) {
        return all.stream().filter(o -> o.getName().equals(m.getName())).count() > 1;
    }
}
