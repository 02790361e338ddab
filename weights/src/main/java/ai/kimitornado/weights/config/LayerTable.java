package ai.kimitornado.weights.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Derives the per-layer attention kinds and the dense/MoE schedule from either config layout. */
final class LayerTable {
    private LayerTable() {
    }

    /**
     * Published: {@code linear_attn_config.kda_layers} / {@code full_attn_layers}, 1-based, each layer exactly once.
     * Transformers: {@code layer_types} of "linear_attention" / "full_attention". If both are present they must agree.
     */
    static List<LayerKind> attentionKinds(JsonNode root, JsonNode linear, int layers, String source) {
        if (layers <= 0) {
            throw new ConfigException(source + ": num_hidden_layers must be positive but is " + layers);
        }
        LayerKind[] fromLists = null;
        if (linear != null && (linear.has("kda_layers") || linear.has("full_attn_layers"))) {
            fromLists = new LayerKind[layers];
            fill(fromLists, linear.get("kda_layers"), "linear_attn_config.kda_layers", LayerKind.KDA, source);
            fill(fromLists, linear.get("full_attn_layers"), "linear_attn_config.full_attn_layers", LayerKind.MLA, source);
            for (int i = 0; i < layers; i++) {
                if (fromLists[i] == null) {
                    throw new ConfigException(source + ": layer " + (i + 1) + " (1-based) is in neither "
                            + "linear_attn_config.kda_layers nor full_attn_layers; expected every layer 1.." + layers
                            + " exactly once");
                }
            }
        }
        LayerKind[] fromTypes = null;
        JsonNode types = root.get("layer_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != layers) {
                throw new ConfigException(source + ": layer_types must be an array of " + layers
                        + " strings (num_hidden_layers) but is " + types);
            }
            fromTypes = new LayerKind[layers];
            for (int i = 0; i < layers; i++) {
                String t = types.get(i).asText();
                fromTypes[i] = switch (types.get(i).isTextual() ? t : "") {
                    case "linear_attention" -> LayerKind.KDA;
                    case "full_attention" -> LayerKind.MLA;
                    default -> throw new ConfigException(source + ": layer_types[" + i + "] is " + types.get(i)
                            + "; expected \"linear_attention\" or \"full_attention\"");
                };
            }
        }
        if (fromLists != null && fromTypes != null && !Arrays.equals(fromLists, fromTypes)) {
            throw new ConfigException(source + ": layer_types " + Arrays.toString(fromTypes)
                    + " disagrees with linear_attn_config lists " + Arrays.toString(fromLists));
        }
        LayerKind[] kinds = fromLists != null ? fromLists : fromTypes;
        if (kinds == null) {
            throw new ConfigException(source + ": no layer table: expected linear_attn_config.kda_layers/"
                    + "full_attn_layers (published) or layer_types (transformers)");
        }
        return List.of(kinds);
    }

    private static void fill(LayerKind[] kinds, JsonNode list, String key, LayerKind kind, String source) {
        if (list == null || list.isNull()) {
            throw new ConfigException(source + ": missing key '" + key + "' (1-based layer list)");
        }
        if (!list.isArray()) {
            throw new ConfigException(source + ": " + key + " must be an array of 1-based layer numbers but is " + list);
        }
        for (int i = 0; i < list.size(); i++) {
            int layer = intValue(key + "[" + i + "]", list.get(i), source);
            if (layer < 1 || layer > kinds.length) {
                throw new ConfigException(source + ": " + key + "[" + i + "] = " + layer
                        + " is outside 1.." + kinds.length + " (the lists are 1-based)");
            }
            if (kinds[layer - 1] != null) {
                throw new ConfigException(source + ": layer " + layer + " (1-based) is listed twice (" + key
                        + " and " + (kinds[layer - 1] == LayerKind.KDA ? "kda_layers" : "full_attn_layers")
                        + "); expected each layer exactly once");
            }
            kinds[layer - 1] = kind;
        }
    }

    /**
     * {firstKDenseReplace, moeLayerFreq}. From {@code first_k_dense_replace} / {@code moe_layer_freq} (published; the
     * frequency defaults to 1, which transformers assumes), or from transformers' {@code mlp_layer_types} of
     * "dense" / "sparse" when that list can be expressed by the rule {@code moe = i >= k && i % freq == 0}.
     */
    static int[] moeSchedule(JsonNode root, int layers, String source) {
        JsonNode kNode = root.get("first_k_dense_replace");
        JsonNode fNode = root.get("moe_layer_freq");
        Integer k = kNode == null || kNode.isNull() ? null : intValue("first_k_dense_replace", kNode, source);
        int freq = fNode == null || fNode.isNull() ? 1 : intValue("moe_layer_freq", fNode, source);
        if (freq < 1) {
            throw new ConfigException(source + ": moe_layer_freq must be >= 1 but is " + freq);
        }
        if (k != null && k < 0) {
            throw new ConfigException(source + ": first_k_dense_replace must be >= 0 but is " + k);
        }
        JsonNode types = root.get("mlp_layer_types");
        if (types == null || types.isNull()) {
            if (k == null) {
                throw new ConfigException(source + ": missing key 'first_k_dense_replace' (or transformers' mlp_layer_types)");
            }
            return new int[] {k, freq};
        }
        if (!types.isArray() || types.size() != layers) {
            throw new ConfigException(source + ": mlp_layer_types must be an array of " + layers + " strings but is " + types);
        }
        boolean[] moe = new boolean[layers];
        for (int i = 0; i < layers; i++) {
            JsonNode t = types.get(i);
            moe[i] = switch (t.isTextual() ? t.asText() : "") {
                case "sparse" -> true;
                case "dense" -> false;
                default -> throw new ConfigException(source + ": mlp_layer_types[" + i + "] is " + t
                        + "; expected \"dense\" or \"sparse\"");
            };
        }
        List<int[]> candidates = new ArrayList<>();
        for (int f = 1; f <= layers; f++) {
            for (int kk = 0; kk <= layers; kk++) {
                if (matches(moe, kk, f)) {
                    candidates.add(new int[] {kk, f});
                }
            }
        }
        if (k != null) {
            if (!matches(moe, k, freq)) {
                throw new ConfigException(source + ": mlp_layer_types " + types + " disagrees with first_k_dense_replace = "
                        + k + ", moe_layer_freq = " + freq);
            }
            return new int[] {k, freq};
        }
        if (candidates.isEmpty()) {
            throw new ConfigException(source + ": mlp_layer_types " + types + " is not of the form "
                    + "'sparse iff i >= k and i % freq == 0'; that schedule is not supported");
        }
        return candidates.getFirst(); // smallest freq, then smallest k: all candidates give the same table
    }

    private static boolean matches(boolean[] moe, int k, int freq) {
        for (int i = 0; i < moe.length; i++) {
            if (moe[i] != (i >= k && i % freq == 0)) {
                return false;
            }
        }
        return true;
    }

    static int intValue(String key, JsonNode n, String source) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException(source + ": '" + key + "' must be a 32-bit integer but is " + n);
        }
        return n.asInt();
    }
}
