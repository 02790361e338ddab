package ai.kimitornado.weights.checkpoint;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.Bf16;
import ai.kimitornado.weights.safetensors.DType;
import ai.kimitornado.weights.safetensors.TensorData;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded random values for one checkpoint tensor, scaled so a model built from them keeps activations O(1) and
 * produces finite, non-degenerate logits: projections ~ N(0, 1/fan_in) (residual outputs further damped by
 * 1/sqrt(2·layers)), norm weights ~ 1 ± 0.05, embeddings ~ N(0, 1), and Mamba-style KDA gate parameters
 * ({@code A = exp(A_log)} in [1, 16], {@code softplus(dt_bias)} log-uniform in [1e-3, 1e-1]).
 * Each tensor's stream is seeded from (seed, name), so values do not depend on order or sharding.
 */
final class RandomWeights {
    private static final ValueLayout.OfShort BF16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomWeights() {
    }

    static TensorData generate(TensorSpec spec, KimiLinearConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ nameHash(spec.name()));
        long n = spec.numel();
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor " + spec + " is too large for the random checkpoint writer");
        }
        MemorySegment seg = MemorySegment.ofArray(new byte[(int) spec.byteSize()]);
        Sampler sampler = sampler(spec, c);
        for (long i = 0; i < n; i++) {
            float v = (float) sampler.next(rnd);
            if (spec.dtype() == DType.BF16) {
                seg.set(BF16_LE, i * 2, Bf16.fromFloat(v));
            } else if (spec.dtype() == DType.F32) {
                seg.set(F32_LE, i * 4, v);
            } else {
                throw new IllegalStateException("no random generator for " + spec);
            }
        }
        return TensorData.of(spec.name(), spec.dtype(), spec.shape(), seg);
    }

    private interface Sampler {
        double next(SplittableRandom rnd);
    }

    private static Sampler sampler(TensorSpec spec, KimiLinearConfig c) {
        String name = spec.name();
        long[] shape = spec.shape();
        double residualDamping = 1.0 / Math.sqrt(2.0 * c.numHiddenLayers());
        if (name.endsWith("A_log")) {
            return r -> Math.log(1.0 + 15.0 * r.nextDouble());
        }
        if (name.endsWith("dt_bias")) {
            return r -> {
                double dt = Math.exp(Math.log(1e-3) + r.nextDouble() * (Math.log(1e-1) - Math.log(1e-3)));
                return dt + Math.log(-Math.expm1(-dt)); // inverse softplus
            };
        }
        if (name.endsWith("norm.weight") || name.endsWith("layernorm.weight")) {
            return r -> 1.0 + 0.05 * r.nextGaussian();
        }
        if (name.endsWith("e_score_correction_bias")) {
            return r -> 0.05 * r.nextGaussian();
        }
        if (name.equals("model.embed_tokens.weight")) {
            return r -> r.nextGaussian();
        }
        if (name.endsWith("_conv1d.weight")) {
            double std = 1.0 / Math.sqrt(shape[shape.length - 1]);
            return r -> std * r.nextGaussian();
        }
        if (shape.length == 2) { // linear [out, in]
            boolean residualOutput = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight")
                    || name.endsWith("w2.weight");
            double std = (residualOutput ? residualDamping : 1.0) / Math.sqrt(shape[1]);
            return r -> std * r.nextGaussian();
        }
        throw new IllegalStateException("no random initialiser for " + spec);
    }

    /** FNV-1a 64 of the UTF-8 name, mixed (SplitMix64 finaliser). */
    static long nameHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
