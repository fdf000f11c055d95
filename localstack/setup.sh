#!/usr/bin/env bash
# Creates SentraScan's pipeline on a running LocalStack: buckets, the scan table, the event bus,
# the Slack webhook secret, the scan, notifier and query functions and the three large-model
# functions from the built jar, the large-model state machine, the S3 trigger and the EventBridge
# rule. Safe to run again: what exists is kept, the functions' code and
# configuration are updated. See README.md in this folder.
#
#   SLACK_WEBHOOK_URL=https://hooks.slack.com/services/... ./localstack/setup.sh
set -euo pipefail
# shellcheck source=localstack/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [[ ! -f "$JAR" ]]; then
  echo "missing $JAR: build it first with  mvn -B -pl functions -am package -DskipTests" >&2
  exit 1
fi
if [[ -z "${SLACK_WEBHOOK_URL:-}" ]]; then
  echo "note: SLACK_WEBHOOK_URL is not set; the secret gets a placeholder and the notifier's" >&2
  echo "      posts will fail (and show up as failed invocations), which is fine for a dry run." >&2
fi
WEBHOOK="${SLACK_WEBHOOK_URL:-https://hooks.slack.invalid/services/T000/B000/placeholder}"

echo "== buckets (versioned: the scan reads the exact object version)"
for bucket in "$MODELS_BUCKET" "$RESULTS_BUCKET" "$SBOM_BUCKET" "$DEPLOY_BUCKET"; do
  if ! awsl s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    awsl s3api create-bucket --bucket "$bucket" >/dev/null
  fi
  awsl s3api put-bucket-versioning --bucket "$bucket" \
    --versioning-configuration Status=Enabled
done

echo "== scan table $TABLE_NAME (keys and indexes of io.sentrascan.functions.scan.ScanTableDesign)"
if ! awsl dynamodb describe-table --table-name "$TABLE_NAME" >/dev/null 2>&1; then
  awsl dynamodb create-table \
    --table-name "$TABLE_NAME" \
    --billing-mode PAY_PER_REQUEST \
    --attribute-definitions \
      AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
      AttributeName=gsi1pk,AttributeType=S AttributeName=gsi1sk,AttributeType=S \
      AttributeName=gsi2pk,AttributeType=S AttributeName=gsi2sk,AttributeType=S \
      AttributeName=gsi3pk,AttributeType=S AttributeName=gsi3sk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
    --global-secondary-indexes '[
      {"IndexName": "byObject",
       "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"},
                     {"AttributeName": "gsi1sk", "KeyType": "RANGE"}],
       "Projection": {"ProjectionType": "ALL"}},
      {"IndexName": "byDigest",
       "KeySchema": [{"AttributeName": "gsi2pk", "KeyType": "HASH"},
                     {"AttributeName": "gsi2sk", "KeyType": "RANGE"}],
       "Projection": {"ProjectionType": "ALL"}},
      {"IndexName": "byVerdict",
       "KeySchema": [{"AttributeName": "gsi3pk", "KeyType": "HASH"},
                     {"AttributeName": "gsi3sk", "KeyType": "RANGE"}],
       "Projection": {"ProjectionType": "ALL"}}
    ]' >/dev/null
  awsl dynamodb wait table-exists --table-name "$TABLE_NAME"
fi
if [[ "$(awsl dynamodb describe-time-to-live --table-name "$TABLE_NAME" \
  --query TimeToLiveDescription.TimeToLiveStatus --output text)" != "ENABLED" ]]; then
  # The scan function sets expiresAt only on superseded records (RETENTION_DAYS).
  awsl dynamodb update-time-to-live --table-name "$TABLE_NAME" \
    --time-to-live-specification Enabled=true,AttributeName=expiresAt >/dev/null
fi

echo "== event bus $EVENT_BUS_NAME"
if ! awsl events describe-event-bus --name "$EVENT_BUS_NAME" >/dev/null 2>&1; then
  awsl events create-event-bus --name "$EVENT_BUS_NAME" >/dev/null
fi
BUS_ARN="$(awsl events describe-event-bus --name "$EVENT_BUS_NAME" --query Arn --output text)"

echo "== Slack webhook secret $SLACK_SECRET_NAME"
if awsl secretsmanager describe-secret --secret-id "$SLACK_SECRET_NAME" >/dev/null 2>&1; then
  awsl secretsmanager put-secret-value --secret-id "$SLACK_SECRET_NAME" \
    --secret-string "$WEBHOOK" >/dev/null
else
  awsl secretsmanager create-secret --name "$SLACK_SECRET_NAME" \
    --secret-string "$WEBHOOK" >/dev/null
fi
SECRET_ARN="$(awsl secretsmanager describe-secret --secret-id "$SLACK_SECRET_NAME" \
  --query ARN --output text)"

echo "== page-token key secret $PAGE_TOKEN_SECRET_NAME (kept when it exists: tokens stay valid)"
if ! awsl secretsmanager describe-secret --secret-id "$PAGE_TOKEN_SECRET_NAME" >/dev/null 2>&1; then
  awsl secretsmanager create-secret --name "$PAGE_TOKEN_SECRET_NAME" \
    --secret-string "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null
fi
PAGE_TOKEN_SECRET_ARN="$(awsl secretsmanager describe-secret --secret-id "$PAGE_TOKEN_SECRET_NAME" \
  --query ARN --output text)"

echo "== role (LocalStack does not enforce IAM by default; AWS deployments use the CDK app)"
if ! awsl iam get-role --role-name sentrascan-local >/dev/null 2>&1; then
  awsl iam create-role --role-name sentrascan-local --assume-role-policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
    >/dev/null
fi

echo "== functions from $JAR"
awsl s3 cp "$JAR" "s3://$DEPLOY_BUCKET/sentrascan-functions.jar" >/dev/null

# deploy NAME HANDLER MEMORY TIMEOUT ENVIRONMENT
deploy() {
  local name="$1" handler="$2" memory="$3" timeout="$4" environment="$5"
  if awsl lambda get-function --function-name "$name" >/dev/null 2>&1; then
    awsl lambda update-function-code --function-name "$name" \
      --s3-bucket "$DEPLOY_BUCKET" --s3-key sentrascan-functions.jar >/dev/null
    awsl lambda wait function-updated-v2 --function-name "$name"
    awsl lambda update-function-configuration --function-name "$name" \
      --handler "$handler" --memory-size "$memory" --timeout "$timeout" \
      --environment "$environment" >/dev/null
    awsl lambda wait function-updated-v2 --function-name "$name"
  else
    awsl lambda create-function --function-name "$name" \
      --runtime "$LAMBDA_RUNTIME" --role "$LAMBDA_ROLE" --handler "$handler" \
      --code "S3Bucket=$DEPLOY_BUCKET,S3Key=sentrascan-functions.jar" \
      --memory-size "$memory" --timeout "$timeout" \
      --environment "$environment" >/dev/null
    awsl lambda wait function-active-v2 --function-name "$name"
  fi
}

function_arn() {
  awsl lambda get-function --function-name "$1" --query Configuration.FunctionArn --output text
}

# LocalStack points the SDK inside its Lambda containers at itself (AWS_ENDPOINT_URL), so the
# functions get only their own settings; S3 is addressed path-style as LocalStack expects.
RECORDING_ENV="RESULTS_BUCKET=$RESULTS_BUCKET,SBOM_BUCKET=$SBOM_BUCKET,TABLE_NAME=$TABLE_NAME,EVENT_BUS_NAME=$EVENT_BUS_NAME,S3_FORCE_PATH_STYLE=true,RETENTION_DAYS=$RETENTION_DAYS,FAIL_ON=$FAIL_ON"
LARGE_ENV="Variables={$RECORDING_ENV,HASH_SHARD_BYTES=$HASH_SHARD_BYTES,BATCH_FILE_BYTES=$BATCH_FILE_BYTES,CHUNK_PARALLELISM=$CHUNK_PARALLELISM}"
deploy "$PLAN_FUNCTION" io.sentrascan.functions.largemodel.PlanHandler::handleRequest 1024 900 \
  "$LARGE_ENV"
deploy "$SCAN_CHUNK_FUNCTION" io.sentrascan.functions.largemodel.ScanChunkHandler::handleRequest 2048 900 \
  "$LARGE_ENV"
deploy "$AGGREGATE_FUNCTION" io.sentrascan.functions.largemodel.AggregateHandler::handleRequest 2048 900 \
  "$LARGE_ENV"

echo "== state machine $STATE_MACHINE_NAME from $STATE_MACHINE_DEFINITION"
DEFINITION="$(mktemp)"
trap 'rm -f "$DEFINITION"' EXIT
# The CDK app substitutes the same three placeholders (definitionSubstitutions).
sed -e "s|\${PlanFunctionArn}|$(function_arn "$PLAN_FUNCTION")|g" \
    -e "s|\${ScanChunkFunctionArn}|$(function_arn "$SCAN_CHUNK_FUNCTION")|g" \
    -e "s|\${AggregateFunctionArn}|$(function_arn "$AGGREGATE_FUNCTION")|g" \
    "$STATE_MACHINE_DEFINITION" >"$DEFINITION"
# shellcheck disable=SC2016 # the literal ${...} placeholders of the definition
if grep -qF '${' "$DEFINITION"; then
  echo "unsubstituted placeholder in $STATE_MACHINE_DEFINITION:" >&2
  # shellcheck disable=SC2016
  grep -oE '[$][{][A-Za-z]+[}]' "$DEFINITION" >&2
  exit 1
fi
STATE_MACHINE_ARN="$(awsl stepfunctions list-state-machines \
  --query "stateMachines[?name=='$STATE_MACHINE_NAME'].stateMachineArn | [0]" --output text)"
if [[ -z "$STATE_MACHINE_ARN" || "$STATE_MACHINE_ARN" == "None" ]]; then
  STATE_MACHINE_ARN="$(awsl stepfunctions create-state-machine --name "$STATE_MACHINE_NAME" \
    --definition "file://$DEFINITION" --role-arn "$LAMBDA_ROLE" \
    --query stateMachineArn --output text)"
else
  awsl stepfunctions update-state-machine --state-machine-arn "$STATE_MACHINE_ARN" \
    --definition "file://$DEFINITION" >/dev/null
fi

# The scan function hands objects over MAX_OBJECT_BYTES, and model folders (their FOLDER_MARKER),
# to the state machine.
deploy "$SCAN_FUNCTION" io.sentrascan.functions.scan.ScanObjectHandler::handleRequest 1024 300 \
  "Variables={$RECORDING_ENV,MAX_OBJECT_BYTES=$MAX_OBJECT_BYTES,FOLDER_MARKER=$FOLDER_MARKER,LARGE_MODEL_STATE_MACHINE_ARN=$STATE_MACHINE_ARN}"
deploy "$NOTIFY_FUNCTION" io.sentrascan.functions.notify.SlackNotifierHandler::handleRequest 512 60 \
  "Variables={SLACK_WEBHOOK_SECRET_ID=$SECRET_ARN}"
# No API Gateway here: invoke it with an API Gateway proxy event (events/.../samples/apigw-*.json).
deploy "$QUERY_FUNCTION" io.sentrascan.functions.api.QueryApiHandler::handleRequest 1024 29 \
  "Variables={TABLE_NAME=$TABLE_NAME,RESULTS_BUCKET=$RESULTS_BUCKET,PAGE_TOKEN_SECRET_ARN=$PAGE_TOKEN_SECRET_ARN,S3_FORCE_PATH_STYLE=true}"
SCAN_ARN="$(function_arn "$SCAN_FUNCTION")"
NOTIFY_ARN="$(function_arn "$NOTIFY_FUNCTION")"

echo "== S3 -> $SCAN_FUNCTION on every object created in $MODELS_BUCKET"
awsl lambda add-permission --function-name "$SCAN_FUNCTION" --statement-id s3-invoke \
  --action lambda:InvokeFunction --principal s3.amazonaws.com \
  --source-arn "arn:aws:s3:::$MODELS_BUCKET" >/dev/null 2>&1 || true
awsl s3api put-bucket-notification-configuration --bucket "$MODELS_BUCKET" \
  --notification-configuration "{
    \"LambdaFunctionConfigurations\": [
      {\"Id\": \"sentrascan-scan\", \"LambdaFunctionArn\": \"$SCAN_ARN\",
       \"Events\": [\"s3:ObjectCreated:*\"]}
    ]}"

echo "== EventBridge rule: failed and errored scans -> $NOTIFY_FUNCTION"
awsl events put-rule --name sentrascan-failed-scans --event-bus-name "$EVENT_BUS_NAME" \
  --event-pattern '{
    "source": ["io.sentrascan"],
    "detail-type": ["Model Scan Completed"],
    "detail": {"verdict": ["FAIL", "ERROR"]}
  }' >/dev/null
RULE_ARN="$(awsl events describe-rule --name sentrascan-failed-scans \
  --event-bus-name "$EVENT_BUS_NAME" --query Arn --output text)"
awsl lambda add-permission --function-name "$NOTIFY_FUNCTION" --statement-id events-invoke \
  --action lambda:InvokeFunction --principal events.amazonaws.com \
  --source-arn "$RULE_ARN" >/dev/null 2>&1 || true
awsl events put-targets --rule sentrascan-failed-scans --event-bus-name "$EVENT_BUS_NAME" \
  --targets "Id=slack-notifier,Arn=$NOTIFY_ARN" >/dev/null

cat <<DONE
== ready
  upload models to   s3://$MODELS_BUCKET
  scan records in    $TABLE_NAME (indexes byObject, byDigest, byVerdict)
  events on          $BUS_ARN
  Slack secret       $SECRET_ARN
  large-model flow   $STATE_MACHINE_ARN
  then run           ./localstack/smoke.sh
DONE
