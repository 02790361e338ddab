package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.KernelIR;

/**
 * IR → SPIR-V binary module (SPIR-V 1.0, Kernel, Addresses, Physical64, OpenCL memory model, OpenCL.std),
 * written directly, without any external compiler. The same KernelIR the OpenCL C and PTX emitters take.
 */
public final class SpirvEmitter {
    private SpirvEmitter() {
    }

    /** The module and its entry point (a valid OpenCL kernel name derived from the Java method name). */
    public record EmittedSpirv(String entryName, byte[] module) {
    }

    public static EmittedSpirv emit(KernelIR ir) {
        String entry = entryName(ir.name());
        try {
            return new EmittedSpirv(entry, new KernelLowering(ir).lower(entry));
        } catch (RuntimeException e) {
            throw new IllegalStateException("SPIR-V emission failed for kernel " + ir.name() + ": " + e.getMessage(), e);
        }
    }

    /** Java identifiers may hold characters ($, non-ASCII) OpenCL names may not; map them to '_'. */
    static String entryName(String javaName) {
        StringBuilder sb = new StringBuilder();
        for (char c : javaName.toCharArray()) {
            sb.append((c < 128 && Character.isLetterOrDigit(c)) || c == '_' ? c : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, 'k');
        }
        return sb.toString();
    }
}
