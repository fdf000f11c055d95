#!/usr/bin/env bash
# Uploads one malicious and one benign sample model to the watched bucket of a LocalStack set up
# by setup.sh, waits for the scan function to tag each object version with its verdict, and
# checks the verdicts: FAIL for the malicious one, PASS for the benign one. Exit code 0 when both
# are as expected.
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

TIMEOUT_SECONDS="${SMOKE_TIMEOUT_SECONDS:-180}"
SAMPLES="$REPO_ROOT/shared-scanner/samples"
RUN="smoke-$(date +%s)"

# upload FILE KEY -> prints the new version id
upload() {
  awsl s3api put-object --bucket "$MODELS_BUCKET" --key "$2" --body "$1" \
    --query VersionId --output text
}

# verdict KEY VERSION -> prints the sentrascan:verdict tag, or nothing while it is not there yet
verdict() {
  awsl s3api get-object-tagging --bucket "$MODELS_BUCKET" --key "$1" --version-id "$2" \
    --query "TagSet[?Key=='sentrascan:verdict'].Value | [0]" --output text 2>/dev/null \
    | grep -v '^None$' || true
}

# wait_for KEY VERSION EXPECTED -> 0 when the verdict is EXPECTED
wait_for() {
  local key="$1" version="$2" expected="$3" got="" waited=0
  while [[ -z "$got" && "$waited" -lt "$TIMEOUT_SECONDS" ]]; do
    sleep 5
    waited=$((waited + 5))
    got="$(verdict "$key" "$version")"
  done
  if [[ "$got" == "$expected" ]]; then
    echo "ok    s3://$MODELS_BUCKET/$key ($version): $got"
    return 0
  fi
  echo "FAIL  s3://$MODELS_BUCKET/$key ($version): expected $expected, got '${got:-no verdict after ${TIMEOUT_SECONDS}s}'" >&2
  return 1
}

MALICIOUS_KEY="$RUN/malicious/pytorch_model.pt"
BENIGN_KEY="$RUN/benign/state_dict.pt"
echo "== uploading to s3://$MODELS_BUCKET/$RUN/"
MALICIOUS_VERSION="$(upload "$SAMPLES/malicious/pytorch_model.pt" "$MALICIOUS_KEY")"
BENIGN_VERSION="$(upload "$SAMPLES/benign/state_dict.pt" "$BENIGN_KEY")"

echo "== waiting for verdicts (up to ${TIMEOUT_SECONDS}s each; the first scan starts a JVM)"
status=0
wait_for "$MALICIOUS_KEY" "$MALICIOUS_VERSION" FAIL || status=1
wait_for "$BENIGN_KEY" "$BENIGN_VERSION" PASS || status=1

echo "== scan records of the malicious object (index byObject, newest first)"
awsl dynamodb query --table-name "$TABLE_NAME" --index-name byObject \
  --key-condition-expression "gsi1pk = :o" \
  --expression-attribute-values "{\":o\": {\"S\": \"OBJ#$MODELS_BUCKET/$MALICIOUS_KEY\"}}" \
  --no-scan-index-forward \
  --query "Items[].{scanId: scanId.S, verdict: verdict.S, notified: notified.BOOL}" \
  --output table || status=1

echo "== the notifier's last log lines (a FAIL should have been posted to Slack)"
awsl logs tail "/aws/lambda/$NOTIFY_FUNCTION" --since 10m 2>/dev/null | tail -n 5 || true

exit "$status"
