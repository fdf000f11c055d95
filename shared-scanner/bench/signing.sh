#!/usr/bin/env bash
# Times 'sentrascan sign' and 'verify' on a model folder with one 1 GiB file and 1,000 small files,
# whole-file and sharded (see docs/benchmarks.md, "Model signing"). Uses target/classes and the
# Maven classpath, so run 'mvn -o -pl shared-scanner compile' first. Inputs go to ${BENCH_DIR:-/tmp}.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp}/sentrascan-sign-bench
cp_file=$(mktemp)
(cd "$here" && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null)
run=(java -Xmx256m -cp "$here/target/classes:$(cat "$cp_file")" io.sentrascan.cli.Main)
key="$here/src/test/resources/fixtures/signing/keys/signer.pem"
pub="$here/src/test/resources/fixtures/signing/keys/signer.pub"
if [ ! -f "$work/big/weights.bin" ]; then
  mkdir -p "$work/big" "$work/many"
  head -c 1073741824 /dev/urandom > "$work/big/weights.bin"
  for i in $(seq 1 1000); do head -c 1500 /dev/urandom > "$work/many/f$i.bin"; done
fi
cat "$work/big/weights.bin" > /dev/null # into the page cache
timed() { /usr/bin/time -f "%e s wall, %M KB peak RSS" "${run[@]}" "$@" 2>&1 | tail -2; }
for model in big many; do
  echo "== $model: sign (whole files)";  timed sign "$work/$model" --key "$key"
  echo "== $model: verify";              timed verify "$work/$model" --key "$pub"
done
echo "== big: sign --shard-size 100M";   timed sign "$work/big" --key "$key" --shard-size 100M -o "$work/big.shards.sig"
echo "== big: verify (shards)";          timed verify "$work/big" --key "$pub" --signature "$work/big.shards.sig"
