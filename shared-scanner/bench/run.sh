#!/usr/bin/env bash
# Whole-process benchmark of the CLI (not a test). Prints one line per input: bytes, scan time
# from the JSON report, wall time and peak RSS of the JVM under -Xmx256m.
# Usage: shared-scanner/bench/run.sh [DATA_DIR]   (inputs are generated once into DATA_DIR)
#        SUITE=formats shared-scanner/bench/run.sh [DATA_DIR]   per-format table (classic, packaging,
#        edge formats: make_format_inputs.py and make_edge_inputs.py; no torch needed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=${1:-$repo/bench-data}
jar=$repo/shared-scanner/target/sentrascan-cli.jar
[[ -f $jar ]] || (cd "$repo" && mvn -B -q -DskipTests package)

if [[ ${SUITE:-} == formats ]]; then
  /usr/bin/python3 "$here/make_format_inputs.py" "$data"
  /usr/bin/python3 "$here/make_edge_inputs.py" "$data"
  inputs=(xgboost-model.json xgboost-model-large.json lightgbm-model.txt catboost-model.cbm pmml-forest.pmml
    skops-model.skops paddle-200k-ops.pdmodel flax-100mb.msgpack executorch-model.pte
    engine-200mb.engine openvino-100k-layers.xml coreml-model.mlmodel mxnet-model-0000.params
    nemo-model.nemo torchserve-model.mar r-data-frame.rds model.llamafile oci-image.tar)
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Parser throughput without the hash pass (warm JVM):"
  java -Xmx256m -cp "$jar" "$here/ScanThroughput.java" "${inputs[@]/#/$data/}"
  echo
  echo "Whole CLI with SHA-256, -Xmx256m: peak RSS"
  printf '%-26s %10s %10s %12s %8s\n' input scan_ms wall_s peakRSS_MB verdict
  for input in "${inputs[@]}"; do
    report=$(mktemp)
    timing=$(mktemp)
    set +e
    /usr/bin/time -f '%e %M' -o "$timing" java -Xmx256m -jar "$jar" scan --format json \
      --output "$report" "$data/$input" 2>/dev/null
    set -e
    # time(1) adds a "Command exited with non-zero status" line when the verdict is not PASS
    read -r wall rss < <(tail -n1 "$timing")
    printf '%-26s %10s %10s %12.0f %8s\n' "$input" "$(jq .durationMillis "$report")" "$wall" \
      "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$(jq -r .verdict "$report")"
    rm -f "$report" "$timing"
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
/usr/bin/python3 "$here/make_inputs.py" "$data"
echo
printf '%-20s %10s %10s %10s %10s %10s\n' input MB scan_ms wall_s MB/s peakRSS_MB
for input in tensor-100mb.pkl floats-100mb.pkl model-100mb.pt model-1gb.pt folder-1000; do
  for run in 1 2 3; do
    report=$(mktemp)
    timing=$(mktemp)
    set +e
    /usr/bin/time -f '%e %M' -o "$timing" java -Xmx256m -jar "$jar" scan --format json \
      --output "$report" "$data/$input" 2>/dev/null
    set -e
    bytes=$(du -sb "$data/$input" | cut -f1)
    ms=$(jq .durationMillis "$report")
    read -r wall rss < "$timing"
    mbps=$(awk -v b="$bytes" -v ms="$ms" 'BEGIN { printf "%.0f", (b / 1e6) / (ms > 0 ? ms / 1000 : 0.001) }')
    printf '%-20s %10.1f %10s %10s %10s %10.0f\n' "$input#$run" "$(awk -v b="$bytes" 'BEGIN{print b/1e6}')" \
      "$ms" "$wall" "$mbps" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
    rm -f "$report" "$timing"
  done
done

echo
echo "Parser throughput without the hash pass (warm JVM):"
java -Xmx256m -cp "$jar" "$here/ScanThroughput.java" "$data/tensor-100mb.pkl" "$data/floats-100mb.pkl" \
  "$data/model-100mb.pt" "$data/model-1gb.pt"
