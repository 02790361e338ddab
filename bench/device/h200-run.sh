#!/usr/bin/env bash
# One batched run on the H200 machine (device tool). Build here first:
#   ./mvnw -B -o -q -DskipTests package && bash ../shared/device/prepare.sh
# carry: .device cli/target/kimi-tornado.jar tornado-tasks/target/classes tornado-tasks/target/test-classes
#        bench/target/classes
# command: bash bench/device/h200-run.sh [steps]      (writes logs and JSON under $OUT)
# Steps (default all but tinydemo and mma): devices catalogue cuda launch verify random48b bench48b tinydemo mma
# verify needs the tiny-a fixture carried inside the checkout: mkdir -p .device/fixtures && cp -r ../shared/fixtures/tiny-a .device/fixtures/
set -uo pipefail
. .device/env.sh
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
J="java --enable-native-access=ALL-UNNAMED"
CP_TT=tornado-tasks/target/classes:tornado-tasks/target/test-classes
steps=${*:-devices catalogue cuda launch verify random48b bench48b}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv > "$OUT/nvidia-smi.csv" 2>&1
for s in $steps; do
  echo "=== $s $(date -u +%T)"
  case $s in
    devices)   $J -jar cli/target/kimi-tornado.jar devices > "$OUT/devices.txt" 2>&1; cat "$OUT/devices.txt" ;;
    catalogue) LD_PRELOAD=$JAVA_HOME/lib/libjsig.so timeout 300 $J -cp $CP_TT ai.kimitornado.tasks.runtime.CatalogueRunner "$OUT/catalogue-h200.json" > "$OUT/catalogue.log" 2>&1
               grep -c '^pass' "$OUT/catalogue.log"; grep -v '^pass' "$OUT/catalogue.log" | head -40 ;;
    cuda)      LD_PRELOAD=$JAVA_HOME/lib/libjsig.so timeout 300 $J -cp $CP_TT ai.kimitornado.tasks.backend.cuda.CudaDeviceRun "$OUT/cuda" > "$OUT/cuda.log" 2>&1; tail -40 "$OUT/cuda.log" ;;
    mma)       # tensor-core GEMM through KernelContext.mmaBf16 (GpuBenchKernels.gemmBf16Mma), m = n = k = MMA_SIZE: TFLOPS
               LD_PRELOAD=$JAVA_HOME/lib/libjsig.so timeout 200 $J -cp $CP_TT ai.kimitornado.tasks.runtime.MmaGemmBench "$OUT/mma-gemm-h200.json" \
                 --size ${MMA_SIZE:-4096} ${MMA_DEVICES:-cuda:0 opencl:1:0} > "$OUT/mma.log" 2>&1; echo "rc=$?"; grep -v '^\s*at ' "$OUT/mma.log" | tail -20 ;;
    launch)    LD_PRELOAD=$JAVA_HOME/lib/libjsig.so timeout 200 $J -cp $CP_TT:bench/target/classes ai.kimitornado.bench.LaunchOverheadBench "$OUT/launch-overhead-h200.json" > "$OUT/launch.log" 2>&1; tail -15 "$OUT/launch.log" ;;
    verify)    timeout 400 $J -jar cli/target/kimi-tornado.jar verify --model .device/fixtures/tiny-a \
                 --reference .device/fixtures/tiny-a/reference.safetensors --devices ${VERIFY_DEVICES:-cuda:0,opencl:1:0,opencl:0:0,java} --layers \
                 ${VERIFY_ARGS:-} --json "$OUT/verify-tiny-a-h200${VERIFY_TAG:-}.json" > "$OUT/verify${VERIFY_TAG:-}.log" 2>&1; cat "$OUT/verify${VERIFY_TAG:-}.log" | tail -30 ;;
    random48b) # the real 48B-A3B config, random bf16 weights generated on the device (no checkpoint, no host copy)
               timeout ${RANDOM48B_TIMEOUT:-170} $J -jar cli/target/kimi-tornado.jar generate --random-weights real48B --device ${GEN_DEVICE:-cuda:0} \
                 --random-prompt ${PROMPT:-16} --max-tokens ${GEN:-128} --max-context 4352 --ignore-eos --warmup --print-ids \
                 > "$OUT/random48b-$(echo ${GEN_DEVICE:-cuda:0} | tr : _).log" 2>&1; echo "rc=$?"; tail -8 "$OUT/random48b-$(echo ${GEN_DEVICE:-cuda:0} | tr : _).log" | cut -c1-400 ;;
    bench48b)  timeout ${BENCH_TIMEOUT:-300} $J -jar cli/target/kimi-tornado.jar bench --random-weights real48B --devices ${BENCH_DEVICES:-cuda:0,opencl:1:0} \
                 --prompt-lens ${PROMPT:-16} --gen-len ${BENCH_GEN:-32} --repeat ${REPEAT:-2} $([ "${COLD_JIT:-0}" = 1 ] || echo --no-cold-jit) ${BENCH_ARGS:-} --label "H200, random real48B bf16 weights" \
                 --json "$OUT/bench-h200.json" > "$OUT/bench-h200.log" 2>&1; echo "rc=$?"; tail -40 "$OUT/bench-h200.log" ;;
    tinydemo)  # every device incl. PoCL on the host CPU, with cold and cached JIT: the tinyDemo config (real vocab, small layers)
               timeout ${TINY_TIMEOUT:-300} $J -jar cli/target/kimi-tornado.jar bench --random-weights tinyDemo --devices ${TINY_DEVICES:-cuda:0,opencl:1:0,opencl:0:0} \
                 --prompt-lens ${TINY_PROMPT:-512} --gen-len ${TINY_GEN:-32} --repeat 2 --label "H200 host, random tinyDemo weights" \
                 --json "$OUT/bench-h200-tinydemo.json" > "$OUT/bench-h200-tinydemo.log" 2>&1; echo "rc=$?"; tail -40 "$OUT/bench-h200-tinydemo.log" ;;
    *)         echo "unknown step $s" ;;
  esac
done
echo "=== done $(date -u +%T)"
