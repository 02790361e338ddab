package ai.kimitornado.tasks.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rejected construct fails with KernelCompilationException naming Class.method:line and the construct. */
class RejectionTest {

    record Case(String kernel, String method, int line, String text) {
        @Override
        public String toString() {
            return kernel;
        }
    }

    /** Reads the REJECT markers of RejectedKernels.java (the kernel is the public method enclosing the marker). */
    static Stream<Case> cases() throws IOException {
        Path src = Path.of("src/test/java/ai/kimitornado/tasks/jit/RejectedKernels.java");
        List<String> lines = Files.readAllLines(src);
        Pattern kernel = Pattern.compile("public static void (\\w+)\\(");
        Pattern method = Pattern.compile("static \\w+ (\\w+)\\(");
        List<Case> cases = new ArrayList<>();
        String currentKernel = null, currentMethod = null;
        List<int[]> helperCalls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher k = kernel.matcher(l);
            Matcher m = method.matcher(l);
            if (m.find()) {
                currentMethod = m.group(1);
                if (k.find()) {
                    currentKernel = k.group(1);
                }
            }
            int at = l.indexOf("// REJECT: ");
            if (at >= 0) {
                String text = l.substring(at + "// REJECT: ".length()).trim();
                String kern = currentMethod.equals("factorial") ? "recursion" : currentKernel;
                cases.add(new Case(kern, currentMethod, i + 1, text));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithLocation(Case c) {
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.frontEnd(KernelRef.of(RejectedKernels.class, c.kernel())));
        System.out.println(e.getMessage());
        assertEquals("RejectedKernels." + c.method() + ":" + c.line(), e.location(), e.getMessage());
        assertTrue(e.getMessage().contains(c.text()), "message '" + e.getMessage() + "' lacks '" + c.text() + "'");
    }
}
