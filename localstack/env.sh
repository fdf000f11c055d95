# shellcheck shell=bash
# Names and settings shared by setup.sh and smoke.sh. Override any of them in the environment.
# The scripts that source this file use the variables, so shellcheck's "unused" is not a finding:
# shellcheck disable=SC2034

ENDPOINT="${LOCALSTACK_ENDPOINT:-http://localhost:4566}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
# LocalStack accepts any credentials; these keep the aws CLI from looking for real ones.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"

MODELS_BUCKET="${MODELS_BUCKET:-sentrascan-models}"
RESULTS_BUCKET="${RESULTS_BUCKET:-sentrascan-results}"
SBOM_BUCKET="${SBOM_BUCKET:-sentrascan-sboms}"
DEPLOY_BUCKET="${DEPLOY_BUCKET:-sentrascan-deploy}"
TABLE_NAME="${TABLE_NAME:-sentrascan-scans}"
EVENT_BUS_NAME="${EVENT_BUS_NAME:-sentrascan}"
SLACK_SECRET_NAME="${SLACK_SECRET_NAME:-sentrascan/slack-webhook}"
SCAN_FUNCTION="${SCAN_FUNCTION:-sentrascan-scan-object}"
NOTIFY_FUNCTION="${NOTIFY_FUNCTION:-sentrascan-slack-notifier}"
QUERY_FUNCTION="${QUERY_FUNCTION:-sentrascan-query}"
PAGE_TOKEN_SECRET_NAME="${PAGE_TOKEN_SECRET_NAME:-sentrascan/page-token-key}"
# The large-model workflow: three functions and the state machine over them.
PLAN_FUNCTION="${PLAN_FUNCTION:-sentrascan-large-plan}"
SCAN_CHUNK_FUNCTION="${SCAN_CHUNK_FUNCTION:-sentrascan-large-scan-chunk}"
AGGREGATE_FUNCTION="${AGGREGATE_FUNCTION:-sentrascan-large-aggregate}"
STATE_MACHINE_NAME="${STATE_MACHINE_NAME:-sentrascan-large-model-scan}"
# Shard and batch sizes of the large-model workflow (the functions' defaults: 1 GB and 256 MiB).
HASH_SHARD_BYTES="${HASH_SHARD_BYTES:-1000000000}"
BATCH_FILE_BYTES="${BATCH_FILE_BYTES:-268435456}"
CHUNK_PARALLELISM="${CHUNK_PARALLELISM:-4}"
# Objects over this size go to the large-model workflow (the scan function's default: 5 GiB).
MAX_OBJECT_BYTES="${MAX_OBJECT_BYTES:-5368709120}"
# The file name that, uploaded last into a model folder, has the folder scanned as one model.
FOLDER_MARKER="${FOLDER_MARKER:-.sentrascan-folder}"
# Days a superseded scan record is kept (0: forever); the newest record of an object never expires.
RETENTION_DAYS="${RETENTION_DAYS:-0}"
# Lowest finding severity that fails a scan: critical, high, medium, low or info (the CLI's --fail-on).
FAIL_ON="${FAIL_ON:-high}"
LAMBDA_RUNTIME="${LAMBDA_RUNTIME:-java17}"
LAMBDA_ROLE="arn:aws:iam::000000000000:role/sentrascan-local"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${JAR:-$REPO_ROOT/functions/target/sentrascan-functions.jar}"
STATE_MACHINE_DEFINITION="${STATE_MACHINE_DEFINITION:-$REPO_ROOT/events/src/main/resources/statemachine/large-model-scan.asl.json}"

# awslocal when installed (pip install awscli-local), else the plain CLI pointed at LocalStack.
awsl() {
  if command -v awslocal >/dev/null 2>&1; then
    awslocal "$@"
  else
    aws --endpoint-url "$ENDPOINT" "$@"
  fi
}
