package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The three functions of the large-model workflow, from the same jar as the scan function and
 * shaped like it ({@link SnapStartJavaFunction}: Java 21, arm64, SnapStart behind the alias the
 * state machine invokes, X-Ray, JSON logs). Each role gets exactly the prefixes its step needs:
 *
 * <ul>
 *   <li><b>plan</b>: list and read the watched buckets; write {@value #WORK_PREFIX}{@code *} in the
 *       results bucket (the JSONL plan);
 *   <li><b>chunk</b>: read watched objects (GetObject, GetObjectVersion); write {@value
 *       #WORK_PREFIX}{@code *} (the partial results);
 *   <li><b>aggregate</b>: read {@value #WORK_PREFIX}{@code *} (and list it, so that a missing
 *       partial is a 404 the function can report, not a 403); write the record, the report, the
 *       ML-BOM, the verdict tags and the event, exactly as the scan function does.
 * </ul>
 *
 * <p>Sizes: plan and aggregate read headers and small JSON documents (1024 MB, 5 minutes); a chunk
 * hashes up to a shard ({@code HASH_SHARD_BYTES}, default 1 GiB) or scans a file's structure by
 * ranged GETs, so it gets 1769 MB, the size at which Lambda gives a function one full vCPU, and the
 * 15-minute maximum. The scanner's measured peak RSS (73 MB for a 1 GB PyTorch zip, at most 214 MB
 * for a SavedModel of a million nodes, docs/benchmarks.md) is far below all three.
 */
final class LargeModelFunctions {
  static final String PLAN_HANDLER =
      "io.sentrascan.functions.largemodel.PlanHandler::handleRequest";
  static final String CHUNK_HANDLER =
      "io.sentrascan.functions.largemodel.ScanChunkHandler::handleRequest";
  static final String AGGREGATE_HANDLER =
      "io.sentrascan.functions.largemodel.AggregateHandler::handleRequest";

  /** Where the plan and the partial results live in the results bucket. */
  static final String WORK_PREFIX = "large-scans/";

  static final int PLAN_MEMORY_MB = 1024;
  static final int CHUNK_MEMORY_MB = 1769;
  static final int AGGREGATE_MEMORY_MB = 1024;
  static final Duration PLAN_TIMEOUT = Duration.minutes(5);
  static final Duration CHUNK_TIMEOUT = Duration.minutes(15);
  static final Duration AGGREGATE_TIMEOUT = Duration.minutes(5);

  /** Plan: lists a model folder and reads headers. */
  static final List<String> PLAN_SOURCE_OBJECT_ACTIONS =
      List.of("s3:GetObject", "s3:GetObjectVersion");

  /** Chunk: reads the byte ranges of its chunk. */
  static final List<String> CHUNK_SOURCE_OBJECT_ACTIONS =
      List.of("s3:GetObject", "s3:GetObjectVersion");

  /** Aggregate: tags each scanned object version as the scan function does (keeping owner tags). */
  static final List<String> AGGREGATE_SOURCE_OBJECT_ACTIONS =
      List.of(
          "s3:GetObjectTagging",
          "s3:GetObjectVersionTagging",
          "s3:PutObjectTagging",
          "s3:PutObjectVersionTagging");

  private final IKey key;
  private final SnapStartJavaFunction plan;
  private final SnapStartJavaFunction chunk;
  private final SnapStartJavaFunction aggregate;

  LargeModelFunctions(
      Construct scope,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      IBucket results,
      IBucket sboms,
      ITable table,
      IEventBus bus) {
    this.key = key;
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RESULTS_BUCKET", results.getBucketName());
    env.put("SBOM_BUCKET", sboms.getBucketName());
    env.put("TABLE_NAME", table.getTableName());
    env.put("EVENT_BUS_NAME", bus.getEventBusName());
    env.put("FAIL_ON", props.failOn().contextValue());
    if (props.recordRetentionDays() != null) {
      env.put("RETENTION_DAYS", String.valueOf(props.recordRetentionDays()));
    }
    if (props.hashShardBytes() != null) {
      env.put("HASH_SHARD_BYTES", String.valueOf(props.hashShardBytes()));
    }
    if (props.reportInlineMaxBytes() != null) {
      env.put("REPORT_INLINE_MAX_BYTES", String.valueOf(props.reportInlineMaxBytes()));
    }

    this.plan =
        function(
            scope,
            props,
            jar,
            key,
            "LargeModelPlan",
            "SentraScan large-model plan function",
            "SentraScan: cuts a large model into chunks (large-model workflow)",
            PLAN_HANDLER,
            PLAN_MEMORY_MB,
            PLAN_TIMEOUT,
            env);
    this.chunk =
        function(
            scope,
            props,
            jar,
            key,
            "LargeModelChunk",
            "SentraScan large-model chunk function",
            "SentraScan: scans one batch of chunks (large-model workflow)",
            CHUNK_HANDLER,
            CHUNK_MEMORY_MB,
            CHUNK_TIMEOUT,
            env);
    this.aggregate =
        function(
            scope,
            props,
            jar,
            key,
            "LargeModelAggregate",
            "SentraScan large-model aggregate function",
            "SentraScan: merges the chunks into one scan (large-model workflow)",
            AGGREGATE_HANDLER,
            AGGREGATE_MEMORY_MB,
            AGGREGATE_TIMEOUT,
            env);

    String work = results.arnForObjects(WORK_PREFIX + "*");
    for (SnapStartJavaFunction writer : List.of(plan, chunk)) {
      writer
          .role()
          .addToPrincipalPolicy(
              PolicyStatement.Builder.create()
                  .sid("WriteLargeScanWork")
                  .actions(List.of("s3:PutObject"))
                  .resources(List.of(work))
                  .build());
      key.grantEncryptDecrypt(writer.role());
    }

    IRole agg = aggregate.role();
    agg.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadLargeScanWork")
            .actions(List.of("s3:GetObject"))
            .resources(List.of(work))
            .build());
    agg.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ListLargeScanWork")
            .actions(List.of("s3:ListBucket"))
            .resources(List.of(results.getBucketArn()))
            .conditions(Map.of("StringLike", Map.of("s3:prefix", WORK_PREFIX + "*")))
            .build());
    agg.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ScanRecords")
            .actions(ScanFunction.TABLE_ACTIONS)
            .resources(List.of(table.getTableArn()))
            .build());
    agg.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("FindEarlierScans")
            .actions(List.of("dynamodb:Query"))
            .resources(List.of(table.getTableArn() + "/index/" + ScanFunction.SUPERSEDE_INDEX))
            .build());
    agg.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("LargeReportsAndSboms")
            .actions(List.of("s3:PutObject"))
            .resources(
                List.of(
                    results.arnForObjects(ScanFunction.REPORTS_PREFIX + "*"),
                    sboms.arnForObjects(ScanFunction.SBOMS_PREFIX + "*")))
            .build());
    bus.grantPutEventsTo(agg);
    key.grantEncryptDecrypt(agg);
  }

  private static SnapStartJavaFunction function(
      Construct scope,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      String name,
      String roleDescription,
      String description,
      String handler,
      int memoryMb,
      Duration timeout,
      Map<String, String> env) {
    return new SnapStartJavaFunction(
        scope,
        name,
        props,
        jar,
        key,
        roleDescription,
        f ->
            f.description(description)
                .handler(handler)
                .memorySize(memoryMb)
                .timeout(timeout)
                .environment(env),
        "the large-model state machine invokes");
  }

  /**
   * Lets the workflow reach the objects of a watched bucket: plan lists and reads, chunk reads,
   * aggregate tags; plan and chunk may decrypt with the bucket's own key when it has one.
   */
  void grantSource(IBucket bucket) {
    plan.role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()))
                .build());
    plan.role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(PLAN_SOURCE_OBJECT_ACTIONS)
                .resources(List.of(bucket.arnForObjects("*")))
                .build());
    chunk
        .role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(CHUNK_SOURCE_OBJECT_ACTIONS)
                .resources(List.of(bucket.arnForObjects("*")))
                .build());
    aggregate
        .role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .actions(AGGREGATE_SOURCE_OBJECT_ACTIONS)
                .resources(List.of(bucket.arnForObjects("*")))
                .build());
    IKey bucketKey = bucket.getEncryptionKey();
    if (bucketKey != null && !bucketKey.equals(key)) {
      bucketKey.grantDecrypt(plan.role());
      bucketKey.grantDecrypt(chunk.role());
    }
  }

  SnapStartJavaFunction plan() {
    return plan;
  }

  SnapStartJavaFunction chunk() {
    return chunk;
  }

  SnapStartJavaFunction aggregate() {
    return aggregate;
  }

  /** The roles that read model bytes (the quarantine policy must let them). */
  List<IRole> readers() {
    return List.of(plan.role(), chunk.role());
  }
}
