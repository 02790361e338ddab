package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.KernelLimits;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Kimi Linear on a device: one plan holding two graphs over the same resident weights and sequence state —
 * prefill (chunks of up to {@code prefillChunk} tokens, KDA chunkwise, causal MLA) and decode (one token, KDA
 * recurrent step, MLA absorbed split attention). Each step uploads only the chunk's token ids and a 16-byte meta
 * record and downloads only the sampled id; logits and per-layer hidden states are read on demand.
 * <pre>{@code
 * try (DeviceEngine e = DeviceEngine.open(modelDir, DeviceEngine.Options.defaults("opencl:0:0"))) {
 *     int next = e.prefill(promptIds);
 *     for (int i = 0; i < 24; i++) next = e.decode(next);
 * }
 * }</pre>
 * Not thread-safe.
 */
public final class DeviceEngine implements AutoCloseable {

    /**
     * @param deviceId      runtime device id ({@code java}, {@code opencl:P:D}, {@code cuda:N}, {@code spirv:P:D})
     * @param maxContext    tokens the MLA caches hold
     * @param prefillChunk  tokens per prefill execution (1..{@value #MAX_PREFILL_CHUNK}); larger chunks read each
     *                      projection's weights once per more tokens
     * @param captureHidden keep the hidden state after the embedding and every layer (for {@code verify --layers})
     * @param allLogits     prefill keeps the logits of every prompt position ({@link #prefillLogits}: forward,
     *                      verify, fixture tests); off, prefill runs the LM head on the last position only
     */
    public record Options(String deviceId, int maxContext, int prefillChunk, SamplingSpec sampling, boolean captureHidden,
                          boolean allLogits) {
        /** Largest prefill chunk: activation buffers grow linearly with it (see {@link #estimate}). */
        public static final int MAX_PREFILL_CHUNK = 1024;
        /**
         * Default prefill chunk: 1024 tokens give every projection GEMM 16 token tiles and MoE experts ~32 tokens
         * each per chunk; measured on the H200 (real48B, 4,096-token prompt): 1,504 tok/s at 1024 vs 1,350 at 512,
         * for +0.5 GiB of activations (bench/NOTES.md, session 2). Engines use at most maxContext.
         */
        public static final int DEFAULT_PREFILL_CHUNK = 1024;

        public Options {
            if (maxContext <= 0 || prefillChunk <= 0 || prefillChunk > MAX_PREFILL_CHUNK) {
                throw new IllegalArgumentException("DeviceEngine.Options: maxContext " + maxContext
                        + " must be positive and prefillChunk " + prefillChunk + " in 1.." + MAX_PREFILL_CHUNK);
            }
        }

        /** Without all-position logits (prefill computes the last position's only). */
        public Options(String deviceId, int maxContext, int prefillChunk, SamplingSpec sampling, boolean captureHidden) {
            this(deviceId, maxContext, prefillChunk, sampling, captureHidden, false);
        }

        /** Prefill chunk of the JVM device: its work-groups are single items, so larger chunks gain nothing there. */
        public static final int JAVA_PREFILL_CHUNK = 64;

        public static Options defaults(String deviceId) {
            int chunk = "java".equals(deviceId) ? JAVA_PREFILL_CHUNK : DEFAULT_PREFILL_CHUNK;
            return new Options(deviceId, 4096, chunk, SamplingSpec.GREEDY, false, false);
        }

        public Options withCaptureHidden(boolean capture) {
            return new Options(deviceId, maxContext, prefillChunk, sampling, capture, allLogits);
        }

        public Options withMaxContext(int tokens) {
            return new Options(deviceId, tokens, prefillChunk, sampling, captureHidden, allLogits);
        }

        public Options withSampling(SamplingSpec s) {
            return new Options(deviceId, maxContext, prefillChunk, s, captureHidden, allLogits);
        }

        public Options withPrefillChunk(int tokens) {
            return new Options(deviceId, maxContext, tokens, sampling, captureHidden, allLogits);
        }

        /** Tokens per prefill execution: the chunk, but never more than the context holds. */
        public int effectivePrefillChunk() {
            return Math.min(prefillChunk, maxContext);
        }

        public Options withAllLogits(boolean all) {
            return new Options(deviceId, maxContext, prefillChunk, sampling, captureHidden, all);
        }
    }

    /**
     * Device memory the engine needs, in bytes: weights, sequence state (KDA state, conv history, MLA caches for
     * maxContext tokens) and the chunk's activation buffers; {@code largestBuffers} names the biggest of the latter.
     */
    public record MemoryEstimate(long weightBytes, long stateBytes, long bufferBytes,
                                 java.util.LinkedHashMap<String, Long> largestBuffers) {
        public long totalBytes() {
            return weightBytes + stateBytes + bufferBytes;
        }

        @Override
        public String toString() {
            StringBuilder top = new StringBuilder();
            largestBuffers.forEach((name, bytes) -> top.append(String.format(" %s %.0f MiB,", name, bytes / 1048576.0)));
            return String.format("total %.2f GiB (weights %.2f GiB, state %.2f GiB, buffers %.3f GiB; largest:%s)",
                    gib(totalBytes()), gib(weightBytes), gib(stateBytes), gib(bufferBytes),
                    top.length() == 0 ? " none" : top.substring(0, top.length() - 1));
        }
    }

    /**
     * The memory an engine of {@code config} with {@code options} needs on its device (weights counted in their
     * real shapes, without reading or generating them; buffers and state allocated on the host and dropped).
     */
    public static MemoryEstimate estimateMemory(KimiLinearConfig config, Options options) {
        ModelDims dims = ModelDims.of(config);
        try (RandomDeviceWeights random = RandomDeviceWeights.create(config, dims, 0)) {
            boolean[] isKda = new boolean[dims.layers()];
            for (int l = 0; l < isKda.length; l++) {
                isKda[l] = config.isKda(l);
            }
            SequenceState state = new SequenceState(dims, isKda, options.maxContext());
            // the form a GPU (256-item work-groups) would pick: its expansion scratch is part of the estimate
            MlaPrefillForm form = MlaPrefillForm.choose(dims, options.effectivePrefillChunk(), options.maxContext(),
                    KernelLimits.MAX_LOCAL, () -> true);
            ChunkBuffers buffers = new ChunkBuffers(dims, options.effectivePrefillChunk(), options.maxContext(),
                    options.captureHidden(), options.allLogits(), form);
            java.util.LinkedHashMap<String, Long> top = new java.util.LinkedHashMap<>();
            buffers.bytesByName().entrySet().stream().limit(5).forEach(e -> top.put(e.getKey(), e.getValue()));
            return new MemoryEstimate(random.weights().bytes(), sum(state.arrays()), sum(buffers.arrays()), top);
        }
    }

    private final ModelDims dims;
    private final ChunkBuffers buffers;
    private final ForwardGraph prefillGraph;
    private final ForwardGraph decodeGraph;
    private final GraphExecutor executor;
    private final int maxContext;
    private final RandomDeviceWeights random; // null for checkpoint weights
    private int position;
    private float[][][] hidden; // [L+1][T][D] of the last prefill/decode call (captureHidden)

    /** Opens {@code dir} (config.json + safetensors) on the runtime device named in {@code options}. */
    public static DeviceEngine open(Path dir, Options options) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("DeviceEngine: " + dir + " has no config.json");
        }
        SafeTensors tensors = SafeTensors.open(dir);
        return new DeviceEngine(KimiLinearConfig.load(config), tensors, options, RuntimeGraphExecutor.on(options.deviceId()));
    }

    /**
     * The model of {@code config} in its real shapes with seeded random weights generated on the device (no
     * checkpoint, no host copy of the weights: see {@link RandomDeviceWeights}); same seed, same weights.
     */
    public static DeviceEngine openRandom(KimiLinearConfig config, long seed, Options options) {
        return openRandom(config, seed, options, RuntimeGraphExecutor.on(options.deviceId()));
    }

    /** As {@link #openRandom(KimiLinearConfig, long, Options)} with a chosen executor. */
    public static DeviceEngine openRandom(KimiLinearConfig config, long seed, Options options, GraphExecutor executor) {
        RandomDeviceWeights random = RandomDeviceWeights.create(config, ModelDims.of(config), seed);
        try {
            return new DeviceEngine(config, random.weights(), random, options, executor);
        } catch (RuntimeException e) {
            executor.close();
            random.close();
            throw e;
        }
    }

    /** For callers that hold the config and tensors already, with a chosen executor. */
    public DeviceEngine(KimiLinearConfig config, SafeTensors tensors, Options options, GraphExecutor executor) {
        this(config, ModelWeights.load(config, ModelDims.of(config), tensors), null, options, executor);
    }

    private DeviceEngine(KimiLinearConfig config, ModelWeights weights, RandomDeviceWeights random, Options options,
                         GraphExecutor executor) {
        this.dims = ModelDims.of(config);
        this.maxContext = options.maxContext();
        this.executor = executor;
        this.random = random;
        boolean[] isKda = new boolean[dims.layers()];
        for (int l = 0; l < isKda.length; l++) {
            isKda[l] = config.isKda(l);
        }
        SequenceState state = new SequenceState(dims, isKda, options.maxContext());
        this.buffers = new ChunkBuffers(dims, options.effectivePrefillChunk(), options.maxContext(), options.captureHidden(),
                options.allLogits(), MlaPrefillForm.choose(dims, options.effectivePrefillChunk(), options.maxContext(),
                        executor.maxWorkGroupSize(), executor::nativeMmaBf16));
        checkMemory(weights, state, executor);
        if (executor instanceof RuntimeGraphExecutor r && weights.bytes() >= UploadProgress.MIN_BYTES) {
            r.setUploadListener(new UploadProgress(weights.bytes(), System.err)); // the first execution uploads them
        }
        ForwardGraphBuilder builder = new ForwardGraphBuilder(dims, weights, state, buffers, options.sampling(),
                executor.maxWorkGroupSize(), PrefillGemm.choose(executor.nativeMmaBf16()),
                DecodeKernels.choose(executor.nativeWarpShuffles()));
        this.prefillGraph = builder.build("prefill", options.effectivePrefillChunk(), ForwardGraphBuilder.KdaForm.CHUNKWISE);
        this.decodeGraph = builder.build("decode", 1, ForwardGraphBuilder.KdaForm.RECURRENT);
        setSeed(options.sampling().seed());
        if (random == null) {
            executor.prepare(List.of(prefillGraph, decodeGraph));
        } else {
            // random weights live only on the device: the forward graphs must not upload the (untouched) host side
            ForwardGraph init = random.initGraph(executor.maxWorkGroupSize());
            executor.prepare(List.of(init, withoutUploads(prefillGraph), withoutUploads(decodeGraph)));
            executor.execute(init);
        }
    }

    private static ForwardGraph withoutUploads(ForwardGraph g) {
        return new ForwardGraph(g.name(), g.capacity(), g.launches(), List.of(), g.perStepInputs(), g.perStepOutputs(),
                g.onDemand());
    }

    /** The form MLA attention takes in this engine's prefill chunks (decode is always absorbed). */
    MlaPrefillForm mlaPrefillForm() {
        return buffers.mlaPrefillForm;
    }

    /** The random weights' fills (tensor, key, scale) when opened by {@code openRandom}, else empty (tests, tools). */
    public List<RandomDeviceWeights.Fill> randomFills() {
        return random == null ? List.of() : random.fills();
    }

    /** Copies arrays the plan holds (e.g. random weight buffers) back to the host (tests, tools). */
    public void download(NativeArray... arrays) {
        executor.download(arrays);
    }

    private void checkMemory(ModelWeights weights, SequenceState state, GraphExecutor executor) {
        long need = weights.bytes() + sum(state.arrays()) + sum(buffers.arrays());
        long have = executor.deviceMemoryBytes();
        if (have > 0 && need > have) {
            throw new IllegalStateException(String.format(
                    "DeviceEngine: the model needs %.2f GiB on %s (weights %.2f GiB, state for %d tokens %.2f GiB,"
                            + " buffers %.2f GiB) but the device has %.2f GiB; use a smaller --max-context or a larger device",
                    gib(need), executor.deviceId(), gib(weights.bytes()), maxContext, gib(sum(state.arrays())),
                    gib(sum(buffers.arrays())), gib(have)));
        }
    }

    /** Starts a new sequence (the next prefill runs at position 0, which resets KDA state and conv history). */
    public void reset() {
        position = 0;
    }

    /** Seed of the top-p sampler (ignored when greedy). */
    public void setSeed(int seed) {
        buffers.meta.set(KernelLimits.META_SEED, seed);
    }

    public int position() {
        return position;
    }

    public String deviceId() {
        return executor.deviceId();
    }

    /** Runs the prompt (appended to the current sequence) in chunks; returns the sampled next token id. */
    public int prefill(int[] ids) {
        return prefill(ids, null);
    }

    /** As {@link #prefill(int[])}, and returns the logits of every prompt position, [T][V] (needs allLogits). */
    public float[][] prefillLogits(int[] ids) {
        if (!buffers.allLogits) {
            throw new IllegalStateException("DeviceEngine.prefillLogits on " + executor.deviceId() + ": the engine keeps"
                    + " only the last position's logits; open it with Options.withAllLogits(true)");
        }
        float[][] logits = new float[ids.length][];
        prefill(ids, logits);
        return logits;
    }

    private int prefill(int[] ids, float[][] logitsOut) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("DeviceEngine.prefill: empty prompt");
        }
        int chunk = buffers.capacity;
        hidden = buffers.capture != null ? new float[dims.layers() + 1][ids.length][] : null;
        int sampled = -1;
        for (int start = 0; start < ids.length; start += chunk) {
            int count = Math.min(chunk, ids.length - start);
            sampled = step(prefillGraph, ids, start, count);
            collect(start, count, logitsOut);
        }
        return sampled;
    }

    /** One token at the current position; returns the sampled next token id. */
    public int decode(int id) {
        hidden = buffers.capture != null ? new float[dims.layers() + 1][1][] : null;
        int sampled = step(decodeGraph, new int[] {id}, 0, 1);
        collect(0, 1, null);
        return sampled;
    }

    /** Logits of the last position of the last prefill/decode, [V] (a download). */
    public float[] logits() {
        executor.download(buffers.logits);
        int rows = buffers.logits.getSize() / dims.vocab();
        int row = rows == 1 ? 0 : buffers.meta.get(KernelLimits.META_COUNT) - 1; // one row: the last valid one
        float[] out = new float[dims.vocab()];
        for (int v = 0; v < out.length; v++) {
            out[v] = buffers.logits.get(row * dims.vocab() + v);
        }
        return out;
    }

    /**
     * Hidden states of the last call, [L+1][T][D] (needs captureHidden): after the embedding, after each layer,
     * and — for the last slot — after the final norm (the transformers {@code hidden_states} convention).
     */
    public float[][][] hiddenStates() {
        if (hidden == null) {
            throw new IllegalStateException("DeviceEngine.hiddenStates: open the engine with captureHidden");
        }
        return hidden;
    }

    private int step(ForwardGraph graph, int[] ids, int from, int count) {
        if (position + count > maxContext) {
            throw new IllegalStateException("DeviceEngine: position " + position + " + " + count
                    + " tokens exceeds maxContext " + maxContext);
        }
        for (int t = 0; t < count; t++) {
            int id = ids[from + t];
            if (id < 0 || id >= dims.vocab()) {
                throw new IllegalArgumentException("DeviceEngine: token id " + id + " at index " + (from + t)
                        + " outside the model's vocabulary [0, " + dims.vocab() + ")");
            }
            buffers.tokens.set(t, id);
        }
        buffers.meta.set(KernelLimits.META_POSITION, position);
        buffers.meta.set(KernelLimits.META_COUNT, count);
        executor.execute(graph);
        position += count;
        return buffers.sampledId.get(0);
    }

    private void collect(int start, int count, float[][] logitsOut) {
        int vocab = dims.vocab();
        int hid = dims.hidden();
        if (logitsOut != null) {
            executor.download(buffers.logits);
            for (int t = 0; t < count; t++) {
                float[] row = new float[vocab];
                for (int v = 0; v < vocab; v++) {
                    row[v] = buffers.logits.get(t * vocab + v);
                }
                logitsOut[start + t] = row;
            }
        }
        if (hidden != null) {
            executor.download(buffers.capture);
            for (int slot = 0; slot <= dims.layers(); slot++) {
                for (int t = 0; t < count; t++) {
                    float[] row = new float[hid];
                    int base = (slot * buffers.capacity + t) * hid;
                    for (int i = 0; i < hid; i++) {
                        row[i] = buffers.capture.get(base + i);
                    }
                    hidden[slot][start + t] = row;
                }
            }
        }
    }

    @Override
    public void close() {
        executor.close();
        if (random != null) {
            random.close(); // after the plan freed its device buffers
        }
    }

    private static long sum(List<NativeArray> arrays) {
        return arrays.stream().mapToLong(NativeArray::getNumBytes).sum();
    }

    private static double gib(long bytes) {
        return bytes / (1024.0 * 1024 * 1024);
    }
}
