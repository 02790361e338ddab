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
     * @param coldMs   first open with an empty kernel cache directory (null when skipped)
     * @param cachedMs second open over the filled directory, in-memory program caches dropped where the backend allows
     *                 (null when not measured: with --no-cold-jit the single open is the cold one)
     */
    record Jit(Double coldMs, Double cachedMs, String note) {
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
