package ai.kimitornado.weights.checkpoint;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.SafeTensorsException;
import ai.kimitornado.weights.safetensors.TensorView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a checkpoint against {@link KimiTensorLayout} and resolves the few name/shape variants that real files use
 * for the same data:
 * <ul>
 *   <li>the dense MLP of the first layers is {@code mlp.*} in the published 48B checkpoint but
 *       {@code block_sparse_moe.{gate,up,down}_proj} in files written by transformers' reverse name mapping
 *       (the tiny-a fixture) — both are accepted, never both at once;</li>
 *   <li>the depthwise conv taps may be stored {@code [C,1,K]} or {@code [C,K]} (identical bytes).</li>
 * </ul>
 * Model code should fetch tensors through {@link #tensor(SafeTensors, String)} with the canonical name.
 */
public final class KimiCheckpoint {
    private static final int MAX_LISTED_PROBLEMS = 25;

    private KimiCheckpoint() {
    }

    /** Every expected tensor present with the right dtype and shape, and nothing unexpected; else one exception listing all problems. */
    public static void validate(KimiLinearConfig c, SafeTensors st) {
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (TensorSpec spec : KimiTensorLayout.expected(c).values()) {
            List<String> present = candidates(spec.name()).stream().filter(st::contains).toList();
            if (present.isEmpty()) {
                problems.add("missing tensor '" + spec.name() + "' (expected " + spec.dtype() + " "
                        + Arrays.toString(spec.shape()) + ")");
                continue;
            }
            if (present.size() > 1) {
                problems.add("tensor '" + spec.name() + "' is stored twice, as " + present + " (" + st.fileOf(present.get(0))
                        + ", " + st.fileOf(present.get(1)) + "); expected exactly one");
            }
            String actual = present.getFirst();
            used.addAll(present);
            TensorView v = st.tensor(actual);
            if (v.dtype() != spec.dtype()) {
                problems.add(v.file() + ": tensor '" + actual + "' has dtype " + v.dtype() + "; expected " + spec.dtype());
            }
            if (!shapeMatches(spec, v.shape())) {
                problems.add(v.file() + ": tensor '" + actual + "' has shape " + Arrays.toString(v.shape())
                        + "; expected " + Arrays.toString(spec.shape()) + expectedShapeNote(spec));
            }
        }
        for (String name : st.names()) {
            if (!used.contains(name)) {
                problems.add(st.fileOf(name) + ": unexpected tensor '" + name + "' (not in the Kimi Linear layout for "
                        + c.numHiddenLayers() + " layers)");
            }
        }
        if (!problems.isEmpty()) {
            StringBuilder msg = new StringBuilder("checkpoint " + st.source() + " does not match its config: "
                    + problems.size() + " problem(s)");
            problems.stream().limit(MAX_LISTED_PROBLEMS).forEach(p -> msg.append("\n  - ").append(p));
            if (problems.size() > MAX_LISTED_PROBLEMS) {
                msg.append("\n  ... and ").append(problems.size() - MAX_LISTED_PROBLEMS).append(" more");
            }
            throw new SafeTensorsException(msg.toString());
        }
    }

    /** The tensor for a canonical layout name, following the accepted variants (see class comment). */
    public static TensorView tensor(SafeTensors st, String canonicalName) {
        for (String candidate : candidates(canonicalName)) {
            if (st.contains(candidate)) {
                return st.tensor(candidate);
            }
        }
        return st.tensor(canonicalName); // throws, naming the tensor and the files
    }

    /** Canonical name first, then accepted on-disk variants. */
    static List<String> candidates(String canonical) {
        int mlp = canonical.indexOf(".mlp.");
        if (canonical.startsWith("model.layers.") && mlp > 0) {
            return List.of(canonical, canonical.substring(0, mlp) + ".block_sparse_moe." + canonical.substring(mlp + 5));
        }
        return List.of(canonical);
    }

    private static boolean shapeMatches(TensorSpec spec, long[] actual) {
        long[] expected = spec.shape();
        if (Arrays.equals(expected, actual)) {
            return true;
        }
        // [C,1,K] conv taps stored as [C,K] are the same bytes.
        return isConv(spec) && actual.length == 2 && actual[0] == expected[0] && actual[1] == expected[2];
    }

    private static boolean isConv(TensorSpec spec) {
        return spec.name().endsWith("_conv1d.weight") && spec.shape().length == 3 && spec.shape()[1] == 1;
    }

    private static String expectedShapeNote(TensorSpec spec) {
        return isConv(spec) ? " (or [" + spec.shape()[0] + ", " + spec.shape()[2] + "])" : "";
    }

    /** Layout of {@code c} as a map for callers that want to iterate (same as {@link KimiTensorLayout#expected}). */
    public static Map<String, TensorSpec> layout(KimiLinearConfig c) {
        return KimiTensorLayout.expected(c);
    }
}
