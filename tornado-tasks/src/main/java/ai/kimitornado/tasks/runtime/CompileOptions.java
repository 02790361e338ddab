package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.jit.KernelCache;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Plan-level compile settings.
 *
 * @param kernelCacheDir on-disk kernel cache (default {@code ~/.cache/kimi-tornado}), or null for memory only
 * @param printKernel    receives "// kernel Class.method on device\n" + generated code, or null
 * @param sourceHook     rewrites generated source before the driver sees it (tests use it to inject
 *                       errors); identity in production
 * @param buildOptions   extra driver build options (e.g. {@code -cl-fast-relaxed-math}); may be empty
 */
public record CompileOptions(Path kernelCacheDir, Consumer<String> printKernel, UnaryOperator<String> sourceHook,
                             String buildOptions) {
    public static CompileOptions defaults() {
        return new CompileOptions(KernelCache.defaultDirectory(), null, UnaryOperator.identity(), "");
    }

    public CompileOptions withPrintKernel(Consumer<String> sink) {
        return new CompileOptions(kernelCacheDir, sink, sourceHook, buildOptions);
    }

    public CompileOptions withKernelCacheDir(Path dir) {
        return new CompileOptions(dir, printKernel, sourceHook, buildOptions);
    }

    public CompileOptions withSourceHook(UnaryOperator<String> hook) {
        return new CompileOptions(kernelCacheDir, printKernel, hook, buildOptions);
    }
}
