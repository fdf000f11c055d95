package io.sentrascan.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The pipeline's buckets, all with the same hardening: versioning, SSE-KMS with the pipeline key
 * (bucket keys on, so KMS is called per bucket key rather than per object), public access blocked,
 * ACLs disabled (bucket owner enforced), a TLS-only policy with TLS 1.2 at least, and server access
 * logs to the log bucket. The log bucket itself uses SSE-S3 (S3 server access logging cannot
 * deliver to SSE-KMS buckets) and does not log its own access.
 */
final class PipelineBuckets {
  /** Tag the scan function writes on every object version it scans. */
  static final String VERDICT_TAG = "sentrascan:verdict";

  /** Days the access logs are kept. */
  static final int ACCESS_LOG_DAYS = 365;

  private final Construct scope;
  private final IKey key;
  private final RemovalPolicy removalPolicy;
  private final Bucket logBucket;

  PipelineBuckets(Construct scope, IKey key, RemovalPolicy removalPolicy) {
    this.scope = scope;
    this.key = key;
    this.removalPolicy = removalPolicy;
    this.logBucket =
        Bucket.Builder.create(scope, "AccessLogBucket")
            .encryption(BucketEncryption.S3_MANAGED)
            .versioned(true)
            .enforceSsl(true)
            .minimumTlsVersion(1.2)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .removalPolicy(removalPolicy)
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(ACCESS_LOG_DAYS))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
            .build();
  }

  Bucket logBucket() {
    return logBucket;
  }

  /**
   * A watched bucket: models are the team's data, so nothing expires but unfinished multipart
   * uploads; replaced versions stay (a model's history is evidence).
   */
  Bucket source(String id) {
    return hardened(
        id,
        List.of(
            LifecycleRule.builder()
                .id("abort-incomplete-uploads")
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .build()));
  }

  /**
   * The large-model workflow's plans and partial results, under {@code prefix} in the results
   * bucket, are only needed while a scan runs (minutes to hours): they expire after {@value
   * #WORK_DAYS} days, which leaves time to look at a failed run.
   */
  static void expireWork(Bucket results, String prefix) {
    results.addLifecycleRule(
        LifecycleRule.builder()
            .id("expire-large-scan-work")
            .prefix(prefix)
            .expiration(Duration.days(WORK_DAYS))
            .noncurrentVersionExpiration(Duration.days(1))
            .build());
  }

  /** Days the large-model workflow's plans and partial results are kept. */
  static final int WORK_DAYS = 7;

  /** A bucket of reports or SBOMs: they expire after {@code retentionDays}. */
  Bucket reports(String id, int retentionDays) {
    return hardened(
        id,
        List.of(
            LifecycleRule.builder()
                .id("expire-reports")
                .expiration(Duration.days(retentionDays))
                .noncurrentVersionExpiration(Duration.days(30))
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .build()));
  }

  private Bucket hardened(String id, List<LifecycleRule> rules) {
    return Bucket.Builder.create(scope, id)
        .encryption(BucketEncryption.KMS)
        .encryptionKey(key)
        .bucketKeyEnabled(true)
        .versioned(true)
        .enforceSsl(true)
        .minimumTlsVersion(1.2)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .serverAccessLogsBucket(logBucket)
        .serverAccessLogsPrefix(id + "/")
        .removalPolicy(removalPolicy)
        .lifecycleRules(rules)
        .build();
  }

  /**
   * Quarantine, as cdk-serverless-clamscan does it: deny reading any object version that is not
   * tagged {@value #VERDICT_TAG}{@code =PASS} (so also one not scanned yet) to every principal but
   * the roles that scan it (the scan function, and the large-model plan and chunk functions).
   */
  static void quarantine(Bucket bucket, List<IRole> scanners) {
    bucket.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("QuarantineUntilScannedPass")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
            .resources(List.of(bucket.arnForObjects("*")))
            .conditions(
                Map.of(
                    "StringNotEquals",
                    Map.of("s3:ExistingObjectTag/" + VERDICT_TAG, "PASS"),
                    "ArnNotEquals",
                    Map.of("aws:PrincipalArn", scanners.stream().map(IRole::getRoleArn).toList())))
            .build());
  }
}
