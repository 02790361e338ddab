#!/usr/bin/env bash
# The end-of-session H200 run in one call (device tool): correctness on every device, the JIT catalogue,
# real48B on both GPU backends (cold, same-process and fresh-process cached JIT), tinyDemo with PoCL.
# Everything is tarred into $OUT/final.tar.gz (the device tool brings back only a few files).
# command: bash bench/device/final-run.sh   (carry as in h200-run.sh)
set -uo pipefail
. .device/env.sh
OUT=${OUT:-/tmp/out}; R=$OUT/final; mkdir -p "$R"
J="java --enable-native-access=ALL-UNNAMED"
BENCH="$J -jar cli/target/kimi-tornado.jar bench --random-weights real48B"
export OUT=$R
VERIFY_DEVICES=cuda:0,opencl:1:0,opencl:0:0,java bash bench/device/h200-run.sh verify 2>&1 | grep -v "^    per layer"
VERIFY_DEVICES=cuda:0,opencl:1:0 VERIFY_ARGS="--prefill-chunk 256" VERIFY_TAG=-c256 bash bench/device/h200-run.sh verify 2>&1 | grep -v "^    per layer"
bash bench/device/h200-run.sh catalogue mma
PROMPT=512,4096 BENCH_GEN=128 REPEAT=2 COLD_JIT=1 BENCH_ARGS="--jit-cache /tmp/kt-jit" bash bench/device/h200-run.sh bench48b | tail -40
echo "=== fresh-process JIT $(date -u +%T)"
for d in cuda:0 opencl:1:0; do
  $BENCH --devices $d --prompt-lens 512 --gen-len 8 --repeat 1 --no-cold-jit --jit-cache /tmp/kt-jit \
    --json "$R/bench-jit-fresh-${d//:/_}.json" > "$R/bench-jit-fresh-${d//:/_}.log" 2>&1; grep "JIT cold" "$R/bench-jit-fresh-${d//:/_}.log"
done
TINY_PROMPT=512 TINY_GEN=32 bash bench/device/h200-run.sh tinydemo | tail -30
tar -C "$OUT/.." -czf "$OUT/../final.tar.gz" final && ls -la "$OUT/../final.tar.gz"
echo "=== final done $(date -u +%T)"
