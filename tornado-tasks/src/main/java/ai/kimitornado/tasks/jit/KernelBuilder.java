package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Kernel-wide state of the front end: blocks, registers, local arrays, inline stack, hash of inputs. */
final class KernelBuilder {
    final KernelRef ref;
    final ClassLoader loader;
    final List<Block> blocks = new ArrayList<>();
    final List<Reg> regs = new ArrayList<>();
    final List<LocalArray> localArrays = new ArrayList<>();
    final Set<Integer> arraysNeedingSize = new LinkedHashSet<>();
    /** Array parameter → the error to throw if the kernel also writes it (first getBits4 site of that array). */
    final java.util.Map<Integer, KernelCompilationException> packedLoadSites = new java.util.LinkedHashMap<>();
    /** Java parameter names of the kernel, by index (for host expressions). */
    final List<String> paramNames = new ArrayList<>();
    final Deque<String> inlineStack = new ArrayDeque<>();
    final Set<String> hashedClasses = new LinkedHashSet<>();
    final MessageDigest digest;
    boolean usesBarriers;
    boolean usesAtomics;
    boolean usesContext;
    Block current;
    /** The latest KernelContext.mmaBf16 and the block it was emitted in (mmaResult reads it only there). */
    Instr.MmaBf16 lastMma;
    Block lastMmaBlock;
    private int nextFrame;

    KernelBuilder(KernelRef ref) {
        this.ref = ref;
        this.loader = ref.owner().getClassLoader();
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        hash(KernelCompiler.JIT_VERSION);
    }

    void hash(String s) {
        digest.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    void hashMethod(MethodBody body) {
        hash(body.owner + "." + body.name + body.descriptor);
        if (hashedClasses.add(body.owner)) {
            digest.update(body.classBytes);
        }
    }

    int newFrameId() {
        return nextFrame++;
    }

    Block newBlock() {
        Block b = new Block(blocks.size());
        blocks.add(b);
        return b;
    }

    Reg newReg(Type type, String name) {
        Reg r = new Reg(regs.size(), type, name == null ? "t" : sanitize(name));
        regs.add(r);
        return r;
    }

    void emit(Instr i) {
        current.instrs().add(i);
    }

    /** Ends the current block. */
    void terminate(Terminator t) {
        current.setTerminator(t);
        current = null;
    }

    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            sb.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, 'v');
        }
        return sb.toString();
    }
}
