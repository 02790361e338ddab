package ai.kimitornado.tasks.jit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** One method's bytecode, parsed: instructions, line numbers, local names, basic blocks, @Parallel ranges. */
final class MethodBody {
    static final String PARALLEL_DESCRIPTOR = "Lai/kimitornado/tasks/api/Parallel;";

    final String owner;        // internal name
    final String name;
    final String descriptor;
    final MethodTypeDesc type;
    final byte[] classBytes;
    final List<Instruction> insns = new ArrayList<>();
    final int[] lines;
    final Map<Label, Integer> labelIndex = new IdentityHashMap<>();
    final List<LocalVariable> localVariables = new ArrayList<>();
    final List<TypeAnnotation> codeTypeAnnotations;
    final int maxLocals;
    /** blockStart[b] = first instruction of block b; blockOfInsn[i] = block of instruction i. */
    final int[] blockStart;
    final int[] blockOfInsn;
    final int firstHandlerInsn;

    private MethodBody(String owner, byte[] classBytes, ClassModel cm, MethodModel mm) {
        this.owner = owner;
        this.name = mm.methodName().stringValue();
        this.descriptor = mm.methodType().stringValue();
        this.type = mm.methodTypeSymbol();
        this.classBytes = classBytes;
        CodeModel code = mm.code().orElseThrow(() -> new KernelCompilationException(
                simpleName(owner) + "." + name + ":?", "method has no bytecode (native or abstract)"));
        this.maxLocals = ((java.lang.classfile.attribute.CodeAttribute) code).maxLocals();
        List<Integer> lineList = new ArrayList<>();
        int line = -1;
        List<Label> pending = new ArrayList<>();
        for (CodeElement e : code.elementList()) {
            switch (e) {
                case LabelTarget lt -> pending.add(lt.label());
                case LineNumber ln -> line = ln.line();
                case LocalVariable lv -> localVariables.add(lv);
                case Instruction ins -> {
                    for (Label l : pending) {
                        labelIndex.put(l, insns.size());
                    }
                    pending.clear();
                    insns.add(ins);
                    lineList.add(line);
                }
                default -> { }
            }
        }
        for (Label l : pending) {
            labelIndex.put(l, insns.size());
        }
        this.lines = lineList.stream().mapToInt(Integer::intValue).toArray();
        this.firstHandlerInsn = code.exceptionHandlers().isEmpty() ? -1
                : labelIndex.getOrDefault(code.exceptionHandlers().get(0).tryStart(), 0);
        this.codeTypeAnnotations = code.findAttribute(Attributes.runtimeVisibleTypeAnnotations())
                .map(a -> a.annotations()).orElse(List.of());
        // basic blocks
        TreeSet<Integer> leaders = new TreeSet<>();
        leaders.add(0);
        for (int i = 0; i < insns.size(); i++) {
            Instruction ins = insns.get(i);
            for (Label t : targets(ins)) {
                leaders.add(labelIndex.get(t));
            }
            if (endsBlock(ins) && i + 1 < insns.size()) {
                leaders.add(i + 1);
            }
        }
        blockStart = leaders.stream().mapToInt(Integer::intValue).toArray();
        blockOfInsn = new int[insns.size()];
        for (int b = 0; b < blockStart.length; b++) {
            int end = b + 1 < blockStart.length ? blockStart[b + 1] : insns.size();
            Arrays.fill(blockOfInsn, blockStart[b], end, b);
        }
    }

    static List<Label> targets(Instruction ins) {
        return switch (ins) {
            case BranchInstruction br -> List.of(br.target());
            case TableSwitchInstruction ts -> withDefault(ts.cases(), ts.defaultTarget());
            case LookupSwitchInstruction ls -> withDefault(ls.cases(), ls.defaultTarget());
            default -> List.of();
        };
    }

    private static List<Label> withDefault(List<SwitchCase> cases, Label dflt) {
        List<Label> r = new ArrayList<>();
        for (SwitchCase c : cases) {
            r.add(c.target());
        }
        r.add(dflt);
        return r;
    }

    static boolean endsBlock(Instruction ins) {
        return ins instanceof BranchInstruction || ins instanceof TableSwitchInstruction
                || ins instanceof LookupSwitchInstruction || ins instanceof ReturnInstruction
                || ins instanceof ThrowInstruction;
    }

    static boolean isUnconditional(Instruction ins) {
        return ins.opcode() == Opcode.GOTO || ins.opcode() == Opcode.GOTO_W || ins instanceof TableSwitchInstruction
                || ins instanceof LookupSwitchInstruction || ins instanceof ReturnInstruction
                || ins instanceof ThrowInstruction;
    }

    int blockCount() {
        return blockStart.length;
    }

    int blockEnd(int b) {
        return b + 1 < blockStart.length ? blockStart[b + 1] : insns.size();
    }

    /** Successor blocks of block b (fall-through included). */
    List<Integer> successors(int b) {
        Instruction last = insns.get(blockEnd(b) - 1);
        List<Integer> s = new ArrayList<>();
        for (Label l : targets(last)) {
            s.add(blockOfInsn[labelIndex.get(l)]);
        }
        if (!isUnconditional(last) && b + 1 < blockStart.length) {
            s.add(b + 1);
        }
        return s;
    }

    /** Blocks reachable from block 0 in reverse postorder. */
    int[] reversePostorder() {
        int n = blockCount();
        boolean[] seen = new boolean[n];
        List<Integer> post = new ArrayList<>();
        // iterative DFS
        int[] stack = new int[n + 1];
        int[] childPos = new int[n];
        List<List<Integer>> succ = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            succ.add(successors(b));
        }
        int sp = 0;
        stack[sp++] = 0;
        seen[0] = true;
        while (sp > 0) {
            int b = stack[sp - 1];
            if (childPos[b] < succ.get(b).size()) {
                int c = succ.get(b).get(childPos[b]++);
                if (!seen[c]) {
                    seen[c] = true;
                    stack[sp++] = c;
                }
            } else {
                post.add(b);
                sp--;
            }
        }
        int[] rpo = new int[post.size()];
        for (int i = 0; i < rpo.length; i++) {
            rpo[i] = post.get(post.size() - 1 - i);
        }
        return rpo;
    }

    String simpleOwner() {
        return simpleName(owner);
    }

    static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /** {@code Class.method:line} of instruction i. */
    String location(int i) {
        int line = i >= 0 && i < lines.length ? lines[i] : -1;
        return simpleOwner() + "." + name + ":" + (line < 0 ? "?" : Integer.toString(line));
    }

    /** Name of the local in {@code slot} live at instruction i (any name for the slot if none), or null. */
    String localName(int slot, int insn) {
        String any = null;
        for (LocalVariable lv : localVariables) {
            if (lv.slot() == slot) {
                int s = labelIndex.get(lv.startScope()), e = labelIndex.get(lv.endScope());
                if (insn >= s - 1 && insn < e) {
                    return lv.name().stringValue();
                }
                if (any == null) {
                    any = lv.name().stringValue();
                }
            }
        }
        return any;
    }

    /** Number of stores (including iinc) to each local slot. */
    int[] storeCounts() {
        int[] counts = new int[Math.max(maxLocals, 1)];
        for (Instruction ins : insns) {
            if (ins instanceof StoreInstruction st) {
                counts[st.slot()]++;
            } else if (ins instanceof IncrementInstruction inc) {
                counts[inc.slot()]++;
            }
        }
        return counts;
    }

    // ---- loading ----

    private static final Map<ClassLoader, Map<String, byte[]>> CLASS_BYTES = new java.util.WeakHashMap<>();

    static synchronized byte[] classBytes(ClassLoader loader, String internalName) {
        Map<String, byte[]> perLoader = CLASS_BYTES.computeIfAbsent(loader, l -> new HashMap<>());
        byte[] bytes = perLoader.get(internalName);
        if (bytes == null) {
            String resource = internalName + ".class";
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("class file not found: " + resource);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + resource, e);
            }
            perLoader.put(internalName, bytes);
        }
        return bytes;
    }

    /** Loads {@code owner.name descriptor}; null if the class has no such method. */
    static MethodBody load(ClassLoader loader, String owner, String name, String descriptor, String where) {
        byte[] bytes = classBytes(loader, owner);
        ClassModel cm = ClassFile.of().parse(bytes);
        for (MethodModel mm : cm.methods()) {
            if (mm.methodName().equalsString(name) && mm.methodType().equalsString(descriptor)) {
                if (!mm.flags().has(AccessFlag.STATIC)) {
                    throw new KernelCompilationException(where, "call to instance method " + simpleName(owner) + "."
                            + name + " (only static methods can be inlined)");
                }
                return new MethodBody(owner, bytes, cm, mm);
            }
        }
        return null;
    }
}
