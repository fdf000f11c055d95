package io.sentrascan.cdk;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Options of a {@link ModelScanPipeline}. Every option has a default, so {@code
 * ModelScanPipelineProps.builder().build()} is a complete pipeline.
 *
 * <p>{@link #slackWebhookSecretArn()} turns on the Slack notifier; {@link #apiAuthorization()} and
 * the API limits shape the query API; {@link #hashShardBytes()} tunes the large-model workflow.
 */
public final class ModelScanPipelineProps {
  /** Memory of the scan function: see {@link Builder#scanMemoryMb(int)}. */
  public static final int DEFAULT_SCAN_MEMORY_MB = 1024;

  /** Timeout of the scan function: see {@link Builder#scanTimeout(Duration)}. */
  public static final Duration DEFAULT_SCAN_TIMEOUT = Duration.minutes(5);

  /** Days a report or SBOM is kept: see {@link Builder#reportRetentionDays(int)}. */
  public static final int DEFAULT_REPORT_RETENTION_DAYS = 365;

  /**
   * The DynamoDB attribute the table expires items by: see {@link Builder#ttlAttribute(String)}.
   */
  public static final String DEFAULT_TTL_ATTRIBUTE = "expiresAt";

  private final boolean createSourceBucket;
  private final boolean quarantine;
  private final @Nullable Integer reservedConcurrency;
  private final int scanMemoryMb;
  private final Duration scanTimeout;
  private final RetentionDays logRetention;
  private final int reportRetentionDays;
  private final String ttlAttribute;
  private final @Nullable Long maxObjectBytes;
  private final @Nullable Integer reportInlineMaxBytes;
  private final RemovalPolicy removalPolicy;
  private final FailOn failOn;
  private final @Nullable String slackWebhookSecretArn;
  private final @Nullable Path functionsJar;
  private final @Nullable Long hashShardBytes;
  private final @Nullable Integer recordRetentionDays;
  private final ApiAuthorization apiAuthorization;
  private final double apiRateLimit;
  private final int apiBurstLimit;

  /** Steady requests per second of the query API stage: see {@link Builder#apiRateLimit}. */
  public static final double DEFAULT_API_RATE_LIMIT = 10;

  /** Burst of the query API stage: see {@link Builder#apiBurstLimit}. */
  public static final int DEFAULT_API_BURST_LIMIT = 20;

  private ModelScanPipelineProps(Builder b) {
    this.createSourceBucket = b.createSourceBucket;
    this.quarantine = b.quarantine;
    this.reservedConcurrency = b.reservedConcurrency;
    this.scanMemoryMb = b.scanMemoryMb;
    this.scanTimeout = b.scanTimeout;
    this.logRetention = b.logRetention;
    this.reportRetentionDays = b.reportRetentionDays;
    this.ttlAttribute = b.ttlAttribute;
    this.maxObjectBytes = b.maxObjectBytes;
    this.reportInlineMaxBytes = b.reportInlineMaxBytes;
    this.removalPolicy = b.removalPolicy;
    this.failOn = b.failOn;
    this.slackWebhookSecretArn = b.slackWebhookSecretArn;
    this.functionsJar = b.functionsJar;
    this.hashShardBytes = b.hashShardBytes;
    this.recordRetentionDays = b.recordRetentionDays;
    this.apiAuthorization = b.apiAuthorization;
    this.apiRateLimit = b.apiRateLimit;
    this.apiBurstLimit = b.apiBurstLimit;
  }

  public ApiAuthorization apiAuthorization() {
    return apiAuthorization;
  }

  public double apiRateLimit() {
    return apiRateLimit;
  }

  public int apiBurstLimit() {
    return apiBurstLimit;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean createSourceBucket() {
    return createSourceBucket;
  }

  public boolean quarantine() {
    return quarantine;
  }

  public @Nullable Integer reservedConcurrency() {
    return reservedConcurrency;
  }

  public int scanMemoryMb() {
    return scanMemoryMb;
  }

  public Duration scanTimeout() {
    return scanTimeout;
  }

  public RetentionDays logRetention() {
    return logRetention;
  }

  public int reportRetentionDays() {
    return reportRetentionDays;
  }

  public String ttlAttribute() {
    return ttlAttribute;
  }

  public @Nullable Long maxObjectBytes() {
    return maxObjectBytes;
  }

  public @Nullable Integer reportInlineMaxBytes() {
    return reportInlineMaxBytes;
  }

  public RemovalPolicy removalPolicy() {
    return removalPolicy;
  }

  public FailOn failOn() {
    return failOn;
  }

  public @Nullable String slackWebhookSecretArn() {
    return slackWebhookSecretArn;
  }

  public @Nullable Path functionsJar() {
    return functionsJar;
  }

  public @Nullable Long hashShardBytes() {
    return hashShardBytes;
  }

  public @Nullable Integer recordRetentionDays() {
    return recordRetentionDays;
  }

  /** Builds {@link ModelScanPipelineProps}; each setter documents its default. */
  public static final class Builder {
    private boolean createSourceBucket = true;
    private boolean quarantine = false;
    private @Nullable Integer reservedConcurrency;
    private int scanMemoryMb = DEFAULT_SCAN_MEMORY_MB;
    private Duration scanTimeout = DEFAULT_SCAN_TIMEOUT;
    private RetentionDays logRetention = RetentionDays.ONE_MONTH;
    private int reportRetentionDays = DEFAULT_REPORT_RETENTION_DAYS;
    private String ttlAttribute = DEFAULT_TTL_ATTRIBUTE;
    private @Nullable Long maxObjectBytes;
    private @Nullable Integer reportInlineMaxBytes;
    private RemovalPolicy removalPolicy = RemovalPolicy.RETAIN;
    private FailOn failOn = FailOn.HIGH;
    private @Nullable String slackWebhookSecretArn;
    private @Nullable Path functionsJar;
    private @Nullable Long hashShardBytes;
    private @Nullable Integer recordRetentionDays;
    private ApiAuthorization apiAuthorization = ApiAuthorization.IAM;
    private double apiRateLimit = DEFAULT_API_RATE_LIMIT;
    private int apiBurstLimit = DEFAULT_API_BURST_LIMIT;

    private Builder() {}

    /**
     * How query API callers authenticate (default {@link ApiAuthorization#IAM}: SigV4 on every
     * method; {@link ApiAuthorization#API_KEY} creates a key and a usage plan instead).
     */
    @CanIgnoreReturnValue
    public Builder apiAuthorization(ApiAuthorization value) {
      this.apiAuthorization = value;
      return this;
    }

    /** Steady-state requests per second of the query API stage (default 10). */
    @CanIgnoreReturnValue
    public Builder apiRateLimit(double value) {
      this.apiRateLimit = value;
      return this;
    }

    /** Burst of requests of the query API stage (default 20). */
    @CanIgnoreReturnValue
    public Builder apiBurstLimit(int value) {
      this.apiBurstLimit = value;
      return this;
    }

    /**
     * Whether the pipeline creates a watched bucket of its own (default {@code true}). Existing
     * buckets are added with {@link ModelScanPipeline#addSourceBucket}.
     */
    @CanIgnoreReturnValue
    public Builder createSourceBucket(boolean value) {
      this.createSourceBucket = value;
      return this;
    }

    /**
     * Quarantine (default {@code false}): the created watched bucket's policy denies reading an
     * object version unless it is tagged {@code sentrascan:verdict=PASS}, to everyone but the
     * scanner's role. Objects not scanned yet, and those that FAIL or ERROR, cannot be downloaded.
     * Not applied to buckets added with {@link ModelScanPipeline#addSourceBucket}: CDK cannot
     * change the policy of a bucket it does not own.
     */
    @CanIgnoreReturnValue
    public Builder quarantine(boolean value) {
      this.quarantine = value;
      return this;
    }

    /**
     * Reserved concurrency of the scan function (default none: it shares the account's pool).
     * Reserving caps how many scans run at once and guarantees them that many.
     */
    @CanIgnoreReturnValue
    public Builder reservedConcurrency(@Nullable Integer value) {
      if (value != null && value < 0) {
        throw new IllegalArgumentException("reservedConcurrency must be >= 0, got " + value);
      }
      this.reservedConcurrency = value;
      return this;
    }

    /**
     * Memory of the scan function in MB (default {@value
     * ModelScanPipelineProps#DEFAULT_SCAN_MEMORY_MB}). Sized from docs/benchmarks.md: the scanner
     * peaked at 73 MB RSS for a 1 GB PyTorch zip (0.7 s of scan time, the SHA-256 pass at about 1.4
     * GB/s on one core) and at 214 MB for the worst input measured (a SavedModel of a million
     * nodes), all under {@code -Xmx256m}; memory does not grow with the object's size. 512 MB would
     * hold that; 1024 MB keeps 4x headroom over the worst case and buys CPU, which Lambda gives in
     * proportion to memory (1769 MB is one vCPU, so 1024 MB is about 0.58): the hash pass over an
     * object up to the 5 GiB hand-off size is CPU-bound, and time is billed per GB-second, so a
     * CPU-bound scan costs about the same at either size but finishes sooner at 1024.
     */
    @CanIgnoreReturnValue
    public Builder scanMemoryMb(int value) {
      if (value < 128 || value > 10240) {
        throw new IllegalArgumentException("scanMemoryMb must be in [128, 10240], got " + value);
      }
      this.scanMemoryMb = value;
      return this;
    }

    /**
     * Timeout of the scan function (default 5 minutes). An object up to the function's size limit
     * (5 GiB; larger ones go to the large-model workflow) is one read with every digest computed in
     * it: SHA-256 alone, measured at 1.4 GB/s on one core and scaled to 0.58 vCPU, is about 7 s for
     * 5 GiB, and the SHA-512, SHA-1 and MD5 of the same read cost a few times that; the S3 read
     * itself is the other bound. Not measured on Lambda yet: 5 minutes is several times the
     * estimate. At most 15 minutes (Lambda's limit).
     */
    @CanIgnoreReturnValue
    public Builder scanTimeout(Duration value) {
      double seconds = value.toSeconds().doubleValue();
      if (seconds < 1 || seconds > 900) {
        throw new IllegalArgumentException(
            "scanTimeout must be between 1 second and 15 minutes, got " + value.toHumanString());
      }
      this.scanTimeout = value;
      return this;
    }

    /** How long the scan function's logs are kept (default one month). */
    @CanIgnoreReturnValue
    public Builder logRetention(RetentionDays value) {
      this.logRetention = value;
      return this;
    }

    /**
     * Days after which reports in the results bucket and SBOMs in the SBOM bucket expire (default
     * {@value ModelScanPipelineProps#DEFAULT_REPORT_RETENTION_DAYS}); their older versions go 30
     * days after they are replaced.
     */
    @CanIgnoreReturnValue
    public Builder reportRetentionDays(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("reportRetentionDays must be >= 1, got " + value);
      }
      this.reportRetentionDays = value;
      return this;
    }

    /**
     * The table's TTL attribute (default {@value ModelScanPipelineProps#DEFAULT_TTL_ATTRIBUTE}, the
     * attribute the functions write; see {@link #recordRetentionDays}).
     */
    @CanIgnoreReturnValue
    public Builder ttlAttribute(String value) {
      this.ttlAttribute = value;
      return this;
    }

    /** {@code MAX_OBJECT_BYTES} of the scan function (default unset: the function's own 5 GiB). */
    @CanIgnoreReturnValue
    public Builder maxObjectBytes(@Nullable Long value) {
      this.maxObjectBytes = value;
      return this;
    }

    /**
     * {@code REPORT_INLINE_MAX_BYTES} of the scan function (default unset: the function's own 300
     * KiB).
     */
    @CanIgnoreReturnValue
    public Builder reportInlineMaxBytes(@Nullable Integer value) {
      this.reportInlineMaxBytes = value;
      return this;
    }

    /**
     * What happens to the buckets, table and key when the stack is deleted (default {@link
     * RemovalPolicy#RETAIN}: scan records and models outlive the stack; see the README's teardown).
     */
    @CanIgnoreReturnValue
    public Builder removalPolicy(RemovalPolicy value) {
      this.removalPolicy = value;
      return this;
    }

    /**
     * Lowest severity that fails a scan (default {@link FailOn#HIGH}, the scanner's default).
     * Passed to the scan and large-model functions as {@code FAIL_ON} (lower case: {@code critical}
     * ... {@code info}).
     */
    @CanIgnoreReturnValue
    public Builder failOn(FailOn value) {
      this.failOn = value;
      return this;
    }

    /**
     * Secrets Manager secret (ARN) that holds the Slack incoming-webhook URL (default none: no
     * notifier). When set, the pipeline deploys the Slack notifier, whose role may read exactly
     * this secret.
     */
    @CanIgnoreReturnValue
    public Builder slackWebhookSecretArn(@Nullable String value) {
      this.slackWebhookSecretArn = value;
      return this;
    }

    /**
     * The Lambda jar (default {@code functions/target/sentrascan-functions.jar} of this repository,
     * found by {@link FunctionsJar#locate()}).
     */
    @CanIgnoreReturnValue
    public Builder functionsJar(@Nullable Path value) {
      this.functionsJar = value;
      return this;
    }

    /**
     * {@code HASH_SHARD_BYTES} of the large-model functions (default unset: the functions' own 1
     * GiB): the size of the byte ranges a big file is hashed in, one chunk each.
     */
    @CanIgnoreReturnValue
    public Builder hashShardBytes(@Nullable Long value) {
      if (value != null && value < 1024 * 1024) {
        throw new IllegalArgumentException("hashShardBytes must be >= 1 MiB, got " + value);
      }
      this.hashShardBytes = value;
      return this;
    }

    /**
     * {@code RETENTION_DAYS} of the functions that write scan records (default unset: records are
     * kept forever). A record gets its {@link #ttlAttribute} expiry only once a newer record of the
     * same object supersedes it, so an object's newest record never expires.
     */
    @CanIgnoreReturnValue
    public Builder recordRetentionDays(@Nullable Integer value) {
      if (value != null && value < 1) {
        throw new IllegalArgumentException("recordRetentionDays must be >= 1, got " + value);
      }
      this.recordRetentionDays = value;
      return this;
    }

    public ModelScanPipelineProps build() {
      return new ModelScanPipelineProps(this);
    }
  }
}
