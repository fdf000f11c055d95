#!/usr/bin/env bash
# Whole-process benchmark of the CLI (not a test). Prints one line per input: bytes, scan time
# from the JSON report, wall time and peak RSS of the JVM under -Xmx256m.
# Usage: shared-scanner/bench/run.sh [DATA_DIR]   (inputs are generated once into DATA_DIR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=${1:-$repo/bench-data}
jar=$repo/shared-scanner/target/sentrascan-cli.jar
[[ -f $jar ]] || (cd "$repo" && mvn -B -q -DskipTests package)
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
