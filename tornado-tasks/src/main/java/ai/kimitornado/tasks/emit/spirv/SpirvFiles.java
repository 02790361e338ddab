package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.KernelIR;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For {@code kimi-tornado kernels --backend spirv --out DIR}: writes {@code <Class>.<method>.spv} and,
 * when spirv-dis is installed, {@code <Class>.<method>.spvasm} beside it.
 */
public final class SpirvFiles {
    private SpirvFiles() {
    }

    /** Emits the kernel and writes {@code <Class>.<method>.spv} (+ {@code .spvasm}) into {@code dir}. */
    public static List<Path> write(KernelIR ir, Path dir) {
        String base = ir.ref() != null && ir.ref().owner() != null
                ? ir.ref().owner().getSimpleName() + "." + ir.name() : ir.name();
        return write(ir, dir, base);
    }

    /** Emits the kernel and writes {@code <base>.spv} (+ {@code <base>.spvasm}); returns the paths written. */
    public static List<Path> write(KernelIR ir, Path dir, String base) {
        SpirvEmitter.EmittedSpirv emitted = SpirvEmitter.emit(ir);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Path spv = dir.resolve(base + ".spv");
            Files.write(spv, emitted.module());
            written.add(spv);
            if (SpirvTools.find("spirv-dis").isPresent()) {
                SpirvTools.Result dis = SpirvTools.disassemble(emitted.module());
                if (!dis.ok()) {
                    throw new IllegalStateException("spirv-dis failed on " + spv + ": " + dis.describe());
                }
                Path text = dir.resolve(base + ".spvasm");
                Files.writeString(text, dis.stdout(), StandardCharsets.UTF_8);
                written.add(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write SPIR-V of " + base + " into " + dir, e);
        }
        return written;
    }
}
