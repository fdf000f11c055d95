#!/usr/bin/env bash
# Benchmark of the large-model workflow (not a test): planning time and size on fake listings,
# per-chunk throughput of the real chunk scanner against S3Mock on loopback, and a wall-time
# model. Usage: functions/bench/run-large-model.sh [OBJECT_MIB]   (default 256)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
cp=$(mktemp)
# One reactor run: the modules compile and the functions' test classpath (with the sibling
# modules' target/classes) is written; each module writes the file, the functions module last.
mvn -B -q -o -pl functions -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test -Dskip.npm=true
java -Xmx3g -Dsentrascan.repoRoot="$repo" \
  -cp "functions/target/test-classes:functions/target/classes:events/target/classes:shared-scanner/target/classes:$(cat "$cp")" \
  io.sentrascan.functions.largemodel.LargeModelBench "${1:-256}"
rm -f "$cp"
