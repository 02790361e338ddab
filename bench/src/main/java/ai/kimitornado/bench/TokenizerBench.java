package ai.kimitornado.bench;

import ai.kimitornado.weights.tokenizer.KimiTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Encode throughput of {@link KimiTokenizer} on one thread, in MB/s of UTF-8 input, over a deterministic
 * mixed corpus (English prose, source code, CJK text, and their mix), plus tokenizer load time.
 *
 * <p>Run from the project root (the profile shades the bench and its dependencies into one jar):
 * <pre>
 *   ./mvnw -B -o -q -pl bench -am -DskipTests -Ptokenizer-bench package
 *   java -Xms1g -Xmx1g -cp bench/target/kimi-bench.jar ai.kimitornado.bench.TokenizerBench [tokenizerDir] [out.json] [--quick]
 * </pre>
 * (defaults: {@code ../shared/fixtures/tokenizer}, {@code bench/results/tokenizer-encode.json}).
 * Each corpus is encoded in warm-up rounds (at least 3 s per corpus), then timed repeats; the JSON reports
 * median and best MB/s (1 MB = 10^6 bytes), also per CPU-second of the encoding thread (robust on a shared
 * machine), with machine info and the load average.
 */
public final class TokenizerBench {
    private static final long CORPUS_SEED = 20260528L;
    private static final int CORPUS_BYTES = 1_000_000; // per corpus, UTF-8

    public static void main(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        boolean quick = false;
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else {
                positional.add(a);
            }
        }
        Path root = projectRoot();
        Path dir = positional.size() > 0 ? Path.of(positional.get(0)) : root.resolve("../shared/fixtures/tokenizer").normalize();
        Path out = positional.size() > 1 ? Path.of(positional.get(1)) : root.resolve("bench/results/tokenizer-encode.json");
        double warmupSeconds = quick ? 0.5 : 3.0;
        int repeats = quick ? 3 : 10;

        String loadBefore = loadAverage();
        double[] loadMs = new double[5];
        double[] loadCpuMs = new double[5];
        KimiTokenizer tok = null;
        for (int i = 0; i < loadMs.length; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            tok = KimiTokenizer.load(dir);
            loadMs[i] = (System.nanoTime() - t0) / 1e6;
            loadCpuMs[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        double firstLoadMs = loadMs[0];

        StringBuilder json = new StringBuilder();
        json.append("{\n  \"benchmark\": \"tokenizer-encode\",\n");
        json.append("  \"what\": \"KimiTokenizer.encode (specials allowed) on one thread; MB/s = 10^6 UTF-8 input bytes per second\",\n");
        json.append("  \"date_utc\": \"").append(Instant.now()).append("\",\n");
        json.append("  \"machine\": {\"available_processors\": ").append(Runtime.getRuntime().availableProcessors())
                .append(", \"cpu\": \"").append(escape(cpuModel())).append("\", \"os\": \"")
                .append(escape(System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")))
                .append("\", \"jdk\": \"").append(escape(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")))
                .append("\", \"max_heap_mb\": ").append(Runtime.getRuntime().maxMemory() >> 20).append("},\n");
        json.append("  \"settings\": {\"threads\": 1, \"corpus_seed\": ").append(CORPUS_SEED).append(", \"warmup_seconds_per_corpus\": ")
                .append(warmupSeconds).append(", \"timed_repeats\": ").append(repeats).append("},\n");
        Arrays.sort(loadMs);
        Arrays.sort(loadCpuMs);
        json.append("  \"load_ms\": {\"first_cold_jvm\": ").append(fmt(firstLoadMs)).append(", \"median\": ")
                .append(fmt(loadMs[loadMs.length / 2])).append(", \"best\": ").append(fmt(loadMs[0]))
                .append(", \"median_thread_cpu\": ").append(fmt(loadCpuMs[loadCpuMs.length / 2])).append("},\n");
        json.append("  \"corpora\": [\n");

        String[] names = {"english-prose", "source-code", "cjk", "mixed"};
        String[] texts = {CorpusGenerator.prose(CORPUS_SEED, CORPUS_BYTES), CorpusGenerator.code(CORPUS_SEED + 1, CORPUS_BYTES),
                CorpusGenerator.cjk(CORPUS_SEED + 2, CORPUS_BYTES), null};
        texts[3] = CorpusGenerator.mix(CORPUS_SEED + 3, texts[0], texts[1], texts[2], CORPUS_BYTES);
        long totalBytes = 0;
        double totalSeconds = 0;
        for (int c = 0; c < names.length; c++) {
            String text = texts[c];
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            int tokens = 0;
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            int warmRounds = 0;
            while (System.nanoTime() < warmEnd || warmRounds < 2) {
                tokens = tok.encode(text).length;
                warmRounds++;
            }
            double[] seconds = new double[repeats];
            double[] cpuSeconds = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                int n = tok.encode(text).length;
                seconds[r] = (System.nanoTime() - t0) / 1e9;
                cpuSeconds[r] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
                if (n != tokens) {
                    throw new IllegalStateException("non-deterministic encode: " + n + " vs " + tokens + " tokens");
                }
            }
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            double median = sorted[repeats / 2];
            double[] cpuSorted = cpuSeconds.clone();
            Arrays.sort(cpuSorted);
            double cpuMedian = cpuSorted[repeats / 2];
            totalBytes += bytes;
            totalSeconds += median;
            json.append("    {\"name\": \"").append(names[c]).append("\", \"utf8_bytes\": ").append(bytes)
                    .append(", \"chars\": ").append(text.length()).append(", \"tokens\": ").append(tokens)
                    .append(", \"bytes_per_token\": ").append(fmt((double) bytes / tokens))
                    .append(", \"warmup_rounds\": ").append(warmRounds)
                    .append(", \"mb_per_s_median\": ").append(fmt(bytes / median / 1e6))
                    .append(", \"mb_per_s_best\": ").append(fmt(bytes / sorted[0] / 1e6))
                    .append(", \"mb_per_cpu_s_median\": ").append(fmt(bytes / cpuMedian / 1e6))
                    .append(", \"mtokens_per_s_median\": ").append(fmt(tokens / median / 1e6))
                    .append(", \"seconds\": ").append(Arrays.toString(Arrays.stream(seconds).mapToObj(TokenizerBench::fmt).toArray()))
                    .append('}').append(c + 1 < names.length ? ",\n" : "\n");
            System.out.printf(Locale.ROOT, "%-14s %8d bytes %7d tokens  median %7.2f MB/s  best %7.2f MB/s  per CPU-second %7.2f MB/s%n",
                    names[c], bytes, tokens, bytes / median / 1e6, bytes / sorted[0] / 1e6, bytes / cpuMedian / 1e6);
        }
        json.append("  ],\n  \"overall_mb_per_s\": ").append(fmt(totalBytes / totalSeconds / 1e6))
                .append(",\n  \"load_average_before_after\": \"").append(escape(loadBefore)).append(" / ").append(escape(loadAverage()))
                .append("\",\n  \"note\": \"wall-clock MB/s is what a caller sees; on a shared machine (load average above) the thread's "
                        + "CPU time gives mb_per_cpu_s, the rate when the core is not taken by others\"\n}\n");
        String result = json.toString();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, result);
        System.out.printf(Locale.ROOT, "load %.1f ms (median of %d); overall %.2f MB/s; wrote %s%n",
                loadMs[loadMs.length / 2], loadMs.length, totalBytes / totalSeconds / 1e6, out);
    }

    /** The reactor root: the working directory, or its parent when run from {@code bench/}. */
    private static Path projectRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("bench")) ? cwd : cwd.getParent();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
        return "unknown";
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Deterministic synthetic text of a target UTF-8 size. */
    public static final class CorpusGenerator {
        private static final String[] WORDS = ("the of and to in is that it was for on are as with his they at be this from have or by one had "
                + "not but what all were when we there can an your which their said if do will each about how up out them then she many "
                + "some so these would other into has more her two like him see time could no make than first been its who now people my "
                + "made over did down only way find use may water long little very after words called just where most know government "
                + "development question important between however although tokenizer inference attention network throughput latency "
                + "measurement experiment understanding international responsibility Monday London Paris Alice Bob NASA GPU OpenCL "
                + "don't can't it's we're they've I'll she'd").split(" ");
        private static final String[] CODE = {
                "public static int %s(int[] values, int n) {\n    int sum = 0;\n    for (int i = 0; i < n; i++) {\n        sum += values[i] * %d;\n    }\n    return sum;\n}\n\n",
                "def %s(x, y=None):\n    \"\"\"Return the scaled value.\"\"\"\n    if y is None:\n        y = %d\n    return [v ** 2 + y for v in x if v > 0]\n\n",
                "    // TODO(%s): handle the edge case where size == %d\n    if (buffer.remaining() < HEADER_BYTES) throw new IOException(\"short read\");\n",
                "const %s = async (req, res) => {\n  const { id } = req.params;\n  res.json({ id, status: %d, ok: true });\n};\n",
                "#include <stdio.h>\nstatic inline float %s(const float *a, size_t n) { float s = 0.0f; for (size_t i = 0; i < n; ++i) s += a[i]; return s * %d.5f; }\n",
                "SELECT user_id, COUNT(*) AS %s FROM events WHERE ts > NOW() - INTERVAL '%d days' GROUP BY user_id;\n",
        };
        private static final String HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";
        private static final String KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー";
        private static final String HANGUL = "가나다라마바사아자차카타파하한국어텍스트입니다습니까그리고하지만에서으로";

        public static String prose(long seed, int bytes) {
            SplittableRandom r = new SplittableRandom(seed);
            StringBuilder sb = new StringBuilder(bytes + 100);
            while (sb.length() < bytes) {
                int words = 6 + r.nextInt(18);
                for (int w = 0; w < words; w++) {
                    String word = WORDS[r.nextInt(WORDS.length)];
                    if (w == 0) {
                        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                    }
                    sb.append(word);
                    int p = r.nextInt(40);
                    if (p == 0) {
                        sb.append(',');
                    } else if (p == 1) {
                        sb.append(' ').append(r.nextInt(100_000));
                    } else if (p == 2) {
                        sb.append(" (").append(r.nextInt(1000) / 10.0).append("%)");
                    }
                    if (w + 1 < words) {
                        sb.append(' ');
                    }
                }
                sb.append(r.nextInt(10) == 0 ? "?" : ".");
                sb.append(r.nextInt(6) == 0 ? "\n\n" : " ");
            }
            return sb.substring(0, bytes);
        }

        public static String code(long seed, int bytes) {
            SplittableRandom r = new SplittableRandom(seed);
            StringBuilder sb = new StringBuilder(bytes + 200);
            while (sb.length() < bytes) {
                String name = WORDS[r.nextInt(WORDS.length)].replace("'", "") + "_" + WORDS[r.nextInt(WORDS.length)].replace("'", "");
                sb.append(String.format(Locale.ROOT, CODE[r.nextInt(CODE.length)], name, r.nextInt(1000)));
            }
            return sb.substring(0, bytes);
        }

        /** Chinese-heavy with Japanese and Korean runs and CJK punctuation; about 3 UTF-8 bytes per char. */
        public static String cjk(long seed, int bytes) {
            SplittableRandom r = new SplittableRandom(seed);
            StringBuilder sb = new StringBuilder(bytes / 3 + 100);
            int utf8 = 0;
            while (utf8 < bytes) {
                int kind = r.nextInt(10);
                String alphabet = kind < 7 ? HAN : kind < 9 ? KANA : HANGUL;
                int len = 2 + r.nextInt(12);
                for (int i = 0; i < len; i++) {
                    sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                int p = r.nextInt(8);
                sb.append(p < 4 ? "，" : p < 6 ? "。" : p == 6 ? "、" : (kind == 9 ? " " : "「"));
                if (r.nextInt(15) == 0) {
                    sb.append(r.nextInt(2030)).append("年");
                }
                if (r.nextInt(30) == 0) {
                    sb.append('\n');
                }
                utf8 = sb.length() * 3;
            }
            return sb.toString();
        }

        /** Paragraph-sized slices of the three corpora interleaved, with some emoji. */
        public static String mix(long seed, String prose, String code, String cjk, int bytes) {
            SplittableRandom r = new SplittableRandom(seed);
            String[] emoji = {"😀", "👍🏽", "🚀", "✅", "❤️"};
            StringBuilder sb = new StringBuilder(bytes);
            int utf8 = 0;
            while (utf8 < bytes) {
                String src = switch (r.nextInt(3)) {
                    case 0 -> prose;
                    case 1 -> code;
                    default -> cjk;
                };
                int len = 200 + r.nextInt(800);
                int start = r.nextInt(src.length() - len);
                if (Character.isLowSurrogate(src.charAt(start))) {
                    start++;
                }
                String part = src.substring(start, start + len);
                sb.append(part).append(emoji[r.nextInt(emoji.length)]).append('\n');
                utf8 += part.getBytes(StandardCharsets.UTF_8).length + 5;
            }
            return sb.toString();
        }
    }
}
