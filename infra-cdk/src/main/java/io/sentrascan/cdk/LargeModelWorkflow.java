package io.sentrascan.cdk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.DistributedMap;
import software.amazon.awscdk.services.stepfunctions.ItemBatcher;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.S3JsonLItemReader;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The large-model state machine (issue 7): {@code Plan} writes a JSONL plan to the results bucket,
 * the Distributed Map {@code ScanChunks} reads it with an S3 JSONL item reader and hands batches of
 * chunks to {@code ScanChunk}, and {@code Aggregate} merges the partial results into one scan; any
 * failure is caught into {@code $.failure} and still reaches {@code Aggregate}, which records an
 * ERROR verdict. The contract is {@code
 * events/src/main/resources/statemachine/large-model-scan.asl.json}, regenerated from this class
 * ({@code LargeModelAslTest}).
 *
 * <p>The tasks invoke the functions' {@code live} aliases directly ({@code payloadResponseOnly}:
 * the task's {@code Resource} is the alias ARN, and the function's output is the task's result).
 * CDK's default Lambda retry is off; each task carries the contract's retry instead. The state
 * machine's role may invoke those three aliases, read the plan ({@value
 * LargeModelFunctions#WORK_PREFIX}{@code *} in the results bucket, decrypting with the pipeline
 * key), start its own child executions and describe and stop them (CDK adds that for a Distributed
 * Map), write its logs and traces. Logging: level ALL with execution data into a KMS-encrypted log
 * group; X-Ray on.
 */
final class LargeModelWorkflow {
  static final String PLAN = "Plan";
  static final String SCAN_CHUNKS = "ScanChunks";
  static final String SCAN_CHUNK = "ScanChunk";
  static final String AGGREGATE = "Aggregate";

  static final String COMMENT =
      "SentraScan large-model scan: plan the work, scan the chunks in parallel, aggregate one"
          + " result. Input: a LargeScanRequest. Task resources are the three functions' live"
          + " aliases (placeholders in the committed file).";

  /**
   * Errors worth retrying: Lambda's own transient failures and the handlers' TransientScanError.
   * The Java runtime reports an uncaught exception's fully qualified class name as its error type,
   * so that is the name the Retry must match.
   */
  static final List<String> TRANSIENT_ERRORS =
      List.of(
          "Lambda.ServiceException",
          "Lambda.AWSLambdaException",
          "Lambda.SdkClientException",
          "Lambda.TooManyRequestsException",
          "io.sentrascan.functions.largemodel.TransientScanError");

  static final int MAX_ITEMS_PER_BATCH = 16;
  static final int MAX_INPUT_BYTES_PER_BATCH = 128 * 1024;
  static final int MAX_CONCURRENCY = 40;

  private final StateMachine stateMachine;
  private final LogGroup logGroup;

  LargeModelWorkflow(
      Construct scope,
      ModelScanPipelineProps props,
      IKey key,
      IBucket results,
      LargeModelFunctions functions) {
    LambdaInvoke plan = task(scope, PLAN, functions.plan().alias()).resultPath("$.plan").build();
    plan.addRetry(transientRetry(4));

    LambdaInvoke scanChunk = task(scope, SCAN_CHUNK, functions.chunk().alias()).build();
    scanChunk.addRetry(transientRetry(5));
    // One more attempt for anything else a chunk throws (a function timeout, an out-of-memory):
    // a chunk that fails twice fails the map, and Aggregate records ERROR with the reason.
    scanChunk.addRetry(
        RetryProps.builder()
            .errors(List.of("States.TaskFailed"))
            .interval(Duration.seconds(5))
            .maxAttempts(1)
            .build());

    LambdaInvoke aggregate = task(scope, AGGREGATE, functions.aggregate().alias()).build();
    // Aggregate is the step that records the verdict (ERROR included): it retries longest, and on
    // any task failure too, because a run that ends without a record is a silent loss.
    aggregate.addRetry(
        RetryProps.builder()
            .errors(
                Stream.concat(TRANSIENT_ERRORS.stream(), Stream.of("States.TaskFailed")).toList())
            .interval(Duration.seconds(2))
            .maxAttempts(6)
            .backoffRate(2)
            .jitterStrategy(JitterType.FULL)
            .build());

    DistributedMap scanChunks =
        DistributedMap.Builder.create(scope, "LargeModel" + SCAN_CHUNKS + "State")
            .stateName(SCAN_CHUNKS)
            .itemReader(
                S3JsonLItemReader.Builder.create()
                    .bucketNamePath(JsonPath.stringAt("$.plan.planBucket"))
                    .key(JsonPath.stringAt("$.plan.planKey"))
                    .build())
            .itemBatcher(
                ItemBatcher.Builder.create()
                    .maxItemsPerBatch(MAX_ITEMS_PER_BATCH)
                    .maxInputBytesPerBatch(MAX_INPUT_BYTES_PER_BATCH)
                    .batchInput(
                        JsonNodeFactory.instance
                            .objectNode()
                            .put("scanId.$", "$.scanId")
                            .put("planBucket.$", "$.plan.planBucket"))
                    .build())
            .mapExecutionType(StateMachineType.STANDARD)
            .maxConcurrency(MAX_CONCURRENCY)
            // CDK omits ToleratedFailurePercentage 0 from the definition: 0 is the default.
            .toleratedFailurePercentage(0)
            .resultPath(JsonPath.DISCARD)
            .build();
    // DistributedMap renders Mode DISTRIBUTED and the map's execution type itself: a
    // ProcessorConfig here would either fail validation (mode without type) or warn (type ignored).
    scanChunks.itemProcessor(scanChunk);

    CatchProps toAggregate =
        CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.failure").build();
    plan.addCatch(aggregate, toAggregate);
    scanChunks.addCatch(aggregate, toAggregate);

    this.logGroup =
        LogGroup.Builder.create(scope, "LargeModelStateMachineLogs")
            .retention(props.logRetention())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.stateMachine =
        StateMachine.Builder.create(scope, "LargeModelStateMachine")
            .stateMachineType(StateMachineType.STANDARD)
            .comment(COMMENT)
            .definitionBody(DefinitionBody.fromChainable(plan.next(scanChunks).next(aggregate)))
            .tracingEnabled(true)
            .logs(
                LogOptions.builder()
                    .destination(logGroup)
                    .level(LogLevel.ALL)
                    .includeExecutionData(true)
                    .build())
            .build();
    // The Distributed Map reads the JSONL plan: the reader's bucket is a path, so CDK grants
    // nothing for it. GetObject on the work prefix only, and the key that encrypts it.
    stateMachine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .sid("ReadLargeScanPlan")
            .actions(List.of("s3:GetObject"))
            .resources(List.of(results.arnForObjects(LargeModelFunctions.WORK_PREFIX + "*")))
            .build());
    key.grantDecrypt(stateMachine);
  }

  private static LambdaInvoke.Builder task(Construct scope, String name, IFunction alias) {
    return LambdaInvoke.Builder.create(scope, "LargeModel" + name + "State")
        .stateName(name)
        .lambdaFunction(alias)
        .payloadResponseOnly(true)
        .retryOnServiceExceptions(false);
  }

  private static RetryProps transientRetry(int maxAttempts) {
    return RetryProps.builder()
        .errors(TRANSIENT_ERRORS)
        .interval(Duration.seconds(2))
        .maxAttempts(maxAttempts)
        .backoffRate(2)
        .jitterStrategy(JitterType.FULL)
        .build();
  }

  /** Lets {@code grantee} (the scan function) start executions of this state machine only. */
  void grantStart(IGrantable grantee) {
    stateMachine.grantStartExecution(grantee);
  }

  StateMachine stateMachine() {
    return stateMachine;
  }

  LogGroup logGroup() {
    return logGroup;
  }
}
