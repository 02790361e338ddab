package ai.kimitornado.cli;

import java.util.List;
import java.util.Map;

/** What {@code bench} reports; serialised as JSON (schema in bench/README.md). */
final class BenchResults {
    private BenchResults() {
    }

    /** The whole run. */
    record Run(String schema, String date, String label, Host host, ModelInfo model, Settings settings, List<Device> devices) {
    }

    record Host(String os, String arch, int cpus, String java) {
    }

    /**
     * @param source            "dir:PATH" or "random:CONFIG"
     * @param weightBytes       every weight byte of the model (bf16; all experts)
     * @param decodeWeightBytes weight bytes one decode step reads (top-k experts)
     */
    record ModelInfo(String source, int layers, int hidden, int vocab, int experts, int topK,
                     long weightBytes, long decodeWeightBytes) {
    }

    record Settings(List<Integer> promptLens, int genLen, int repeat, int prefillChunk, int decodeWarmup, long seed, boolean coldJit) {
    }

    /**
     * @param copy              copy-kernel bandwidth of this device in this run
     * @param jit               kernel compile times of the prefill + decode graphs
     * @param weightLoad        how the weights reach the device (host upload, or random fill on the device)
     * @param weightUploadMs    time to get the weights onto the device (one sample per engine open)
     * @param deviceMemoryBytes device memory the engine's plan holds (0 where the device shares host memory)
     * @param prompts           one entry per prompt length
     * @param breakdown         per-kernel-class times from the profiler
     */
    record Device(String device, String name, String backend, CopyBandwidth copy, Jit jit, String weightLoad, Spread weightUploadMs,
                  long deviceMemoryBytes, List<Prompt> prompts, List<Breakdown> breakdown, double wallSeconds) {
    }

    /**
     * @param coldMs   wall time of loading every kernel of an open over an empty kernel cache directory (null when not
     *                 measured: --jit-cache with a filled directory)
     * @param cachedMs wall time of loading every kernel from the disk cache: the first open of this process when it
     *                 built nothing from source (a fresh process over a filled --jit-cache), else the second open of
     *                 this process (null when not measured: --no-cold-jit over an empty cache)
     * @param note     how cachedMs was measured, what was warm
     * @param opens    every measured open, in order, with its phases (null in JSON written before session 3)
     */
    record Jit(Double coldMs, Double cachedMs, String note, List<JitOpen> opens) {
        Jit(Double coldMs, Double cachedMs, String note) {
            this(coldMs, cachedMs, note, null);
        }
    }

    /**
     * One engine open's kernel loading (tornado-tasks CompileReport).
     *
     * @param what          "cold", "first open, disk cache", "same process, disk cache", ...
     * @param cacheState    what was in which cache: our disk cache, our in-memory layers, the driver's own cache
     * @param driverCache   the driver's compiled-code cache before this open (NVIDIA JIT cache / PoCL kcache: on or
     *                      off, directory, files and size); bench never clears it
     * @param wallMs        wall time of compiling/loading the kernels of every task of every graph (prepare's precompile)
     * @param bindMs        wall time of binding the tasks' arguments after that (device buffers allocated at first use):
     *                      not in wallMs, which before session 3 included it
     * @param tasks         tasks loaded; kernels: distinct kernel methods among them
     * @param builtFromSource driver builds from source (cache misses); loadedFromCache: driver loads of cached code
     * @param threads       loading threads
     * @param cacheRejected damaged or refused cache entries met (each one recompiled and printed)
     * @param phases        per phase: wall ms and thread-CPU ms summed over the loading threads, and count
     */
    record JitOpen(String what, String cacheState, String driverCache, double wallMs, double bindMs, int tasks, int kernels, long builtFromSource,
                   long loadedFromCache, int threads, long cacheRejected, java.util.Map<String, Phase> phases) {
    }

    /** @param wallMs summed over threads; cpuMs thread CPU time summed over threads; count times it ran */
    record Phase(double wallMs, double cpuMs, long count) {
    }

    /**
     * Per prompt length; spreads are over repeats. TPOT samples exclude the first {@code decodeWarmup} decode steps of
     * every sequence.
     *
     * @param bytesPerToken  bytes one decode step moves at the mean decode context (DecodeTraffic)
     * @param floorTpotMs    bytesPerToken ÷ copy bandwidth (best)
     * @param floorFraction  floorTpotMs ÷ median TPOT: 1.0 = at the bandwidth floor
     */
    record Prompt(int promptLen, Spread ttftMs, Spread prefillTokPerS, Spread tpotMs, Spread tpotP90Ms,
                  Spread decodeTokPerS, long bytesPerToken, double floorTpotMs, double floorFraction) {
    }

    /**
     * @param phase     "prefill" (whole prompt) or "decode" (per token)
     * @param executes  graph executions summed
     * @param timeSource "device events" or "launch wall time (java backend)"
     * @param ms        milliseconds per kernel class (per prompt for prefill, per token for decode)
     * @param top       the launch roles that took the most time, largest first (null in files from older versions)
     */
    record Breakdown(String phase, int promptLen, int executes, String timeSource, Map<String, Double> ms,
                     List<KernelTime> top) {
    }

    /**
     * One launch role summed over layers: {@code role} is the task name without its layer prefix ("q_proj" for
     * "l3_q_proj"), {@code kernel} the "Class.method" it ran, {@code launches} and {@code ms} per prompt (prefill)
     * or per token (decode).
     */
    record KernelTime(String role, String kernel, double launches, double ms) {
    }
}
