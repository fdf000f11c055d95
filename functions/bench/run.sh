#!/usr/bin/env bash
# Serverless-pipeline benchmarks (not tests; figures go to docs/benchmarks.md):
#  (a) scan handler: JVM start to ready and first invocation, with and without the SnapStart
#      priming hook (beforeCheckpoint) run before "ready";
#  (b) a 1 GiB PyTorch zip read through S3RangeSource from S3Mock: GET requests, bytes and time,
#      with the function's hash pass on and off;
#  (c) the whole handler on that model in a JVM sized like a 512 MB Lambda: peak RSS.
# S3Mock and the EventBridge stand-in run in their own JVM, dynalite in Node.js, so the measured
# JVM holds only the handler.
# Usage: functions/bench/run.sh [RUNS [PARTS]]   (data in functions/target/bench; RUNS default 5,
#        PARTS any of a, b, c; default abc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${1:-5}
parts=${2:-abc}
work=$repo/functions/target/bench
mkdir -p "$work"

echo "== build (test classes hold the bench mains) and class path" >&2
(cd "$repo" && mvn -B -o -q -pl functions -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >&2)
cp="$repo/functions/target/test-classes:$repo/functions/target/classes:$(cat "$work/cp.txt")"

model=$work/model-1gb.pt
if [[ ! -f $model ]]; then
  echo "== generating $model" >&2
  python3 "$here/make_model.py" "$model" 1024
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

rm -rf "$work/s3mock" "$work/events" "$work/endpoints.properties"
java -Xmx1g -cp "$cp" io.sentrascan.functions.bench.BenchServers "$work/s3mock" \
  "$work/endpoints.properties" > "$work/servers.log" 2>&1 &
pids+=($!)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
node "$repo/.ci/node/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
  --createTableMs 0 > "$work/dynalite.log" 2>&1 &
pids+=($!)
dynamo=http://127.0.0.1:$port
for _ in $(seq 1 120); do [[ -s $work/endpoints.properties ]] && break; sleep 0.5; done
[[ -s $work/endpoints.properties ]] || { echo "servers did not start; see $work/servers.log" >&2; exit 1; }

echo "== setup: uploads and tables" >&2
tables=$((2 * runs + 3))
java -Xmx512m -cp "$cp" io.sentrascan.functions.bench.HandlerBench setup \
  "$work/endpoints.properties" "$dynamo" "$work/events" \
  "$repo/shared-scanner/samples/benign/state_dict.pt" $((2 * runs)) "$model" "$tables"

# A 512 MB Lambda: heap and off-heap capped well under the limit.
lambda_jvm=(-Xmx400m -XX:MaxDirectMemorySize=32m -XX:MaxMetaspaceSize=96m
  -XX:ReservedCodeCacheSize=48m -Xss512k -XX:+UseSerialGC)

t=0
if [[ $parts == *a* ]]; then
echo
echo "(a) init and first invocation (small model), ${runs} runs each, fresh JVM per run"
for i in $(seq 1 "$runs"); do
  for mode in noprime prime; do
    t=$((t + 1))
    java "${lambda_jvm[@]}" -cp "$cp" io.sentrascan.functions.bench.HandlerBench run \
      "$work/endpoints.properties" "$dynamo" "$mode" "$work/events/small-$t.json" "bench-$t"
  done
done
fi

if [[ $parts == *b* ]]; then
echo
echo "(b) 1 GiB PyTorch zip through S3RangeSource, fresh JVM per run"
for i in 1 2 3; do
  for mode in nohash hash; do
    java "${lambda_jvm[@]}" -cp "$cp" io.sentrascan.functions.scan.RangeReadBench \
      "$work/endpoints.properties" "$work/events/big.properties" "$mode"
  done
done
fi

[[ $parts == *c* ]] || exit 0
t=$((2 * runs))
echo
echo "(c) the whole handler on the 1 GiB model under ${lambda_jvm[*]}"
for i in 1 2 3; do
  t=$((t + 1))
  /usr/bin/time -f '{"timeMaxRssKb":%M,"wallS":%e}' \
    java "${lambda_jvm[@]}" -cp "$cp" io.sentrascan.functions.bench.HandlerBench run \
    "$work/endpoints.properties" "$dynamo" prime "$work/events/big.json" "bench-$t"
done
