package io.sentrascan.functions.scan;

import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the function needs to know about its surroundings, read from the Lambda environment.
 *
 * @param resultsBucket bucket for full reports too large for the scan record ({@code
 *     RESULTS_BUCKET})
 * @param tableName the scan table ({@code TABLE_NAME})
 * @param eventBusName the bus that receives {@code Model Scan Completed} ({@code EVENT_BUS_NAME})
 * @param reportInlineMaxBytes a report up to this size is stored in the scan record itself ({@code
 *     REPORT_INLINE_MAX_BYTES}; default {@link #DEFAULT_REPORT_INLINE_MAX_BYTES}, which leaves room
 *     under DynamoDB's 400 KB item limit for the summary attributes)
 * @param s3PathStyle path-style S3 addressing, for S3-compatible endpoints such as LocalStack
 *     ({@code S3_FORCE_PATH_STYLE})
 * @param maxObjectBytes larger objects are not scanned here but handed to the large-model workflow,
 *     or without one recorded as ERROR with the reason ({@code MAX_OBJECT_BYTES}; default {@link
 *     #DEFAULT_MAX_OBJECT_BYTES})
 * @param sbomBucket bucket for the CycloneDX ML-BOM of every scan ({@code SBOM_BUCKET}; when unset,
 *     the results bucket, so that a deployment that predates it keeps working)
 * @param largeModelStateMachineArn the large-model workflow ({@code
 *     LARGE_MODEL_STATE_MACHINE_ARN}): objects over {@code maxObjectBytes} are handed to it; when
 *     unset they get an ERROR record
 * @param retentionDays how long a record is kept after a newer record of the same object supersedes
 *     it ({@code RETENTION_DAYS}; 0, the default, keeps every record forever). The newest record of
 *     an object never expires; see {@link SupersededRecords}
 * @param failOn findings at or above this severity make the verdict FAIL ({@code FAIL_ON}: {@code
 *     critical}, {@code high}, {@code medium}, {@code low} or {@code info}, as the CLI's {@code
 *     --fail-on}; default {@code high}, the scanner's {@link Policy#defaults()})
 * @param folderMarker the file name that marks a complete model folder ({@code FOLDER_MARKER};
 *     default {@link #DEFAULT_FOLDER_MARKER}): an uploader writes it last, and its upload hands the
 *     folder (every object under the marker's parent prefix) to the large-model workflow instead of
 *     scanning the marker; see {@link ScanObjectWorkflow}
 */
public record ScanConfig(
    String resultsBucket,
    String tableName,
    String eventBusName,
    int reportInlineMaxBytes,
    boolean s3PathStyle,
    long maxObjectBytes,
    String sbomBucket,
    @Nullable String largeModelStateMachineArn,
    int retentionDays,
    Severity failOn,
    String folderMarker) {

  public static final int DEFAULT_REPORT_INLINE_MAX_BYTES = 300 * 1024;
  public static final long DEFAULT_MAX_OBJECT_BYTES = 5L << 30;

  /** The file name that, uploaded last into a model folder, hands the folder to the workflow. */
  public static final String DEFAULT_FOLDER_MARKER = ".sentrascan-folder";

  /** A configuration without the large-model workflow that keeps every record forever. */
  @SuppressWarnings("TooManyParameters") // the record's own components
  public ScanConfig(
      String resultsBucket,
      String tableName,
      String eventBusName,
      int reportInlineMaxBytes,
      boolean s3PathStyle,
      long maxObjectBytes,
      String sbomBucket) {
    this(
        resultsBucket,
        tableName,
        eventBusName,
        reportInlineMaxBytes,
        s3PathStyle,
        maxObjectBytes,
        sbomBucket,
        null,
        0,
        Policy.defaults().failOn(),
        DEFAULT_FOLDER_MARKER);
  }

  /** This configuration handing large objects to the given state machine. */
  public ScanConfig withLargeModelStateMachineArn(@Nullable String value) {
    return with(b -> b.largeModelStateMachineArn = value);
  }

  /** This configuration with another retention of superseded records, in days (0: forever). */
  public ScanConfig withRetentionDays(int value) {
    return with(b -> b.retentionDays = value);
  }

  /** This configuration with another object size limit. */
  public ScanConfig withMaxObjectBytes(long value) {
    return with(b -> b.maxObjectBytes = value);
  }

  /** This configuration with another inline report limit. */
  public ScanConfig withReportInlineMaxBytes(int value) {
    return with(b -> b.reportInlineMaxBytes = value);
  }

  public ScanConfig {
    Objects.requireNonNull(resultsBucket, "resultsBucket");
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(eventBusName, "eventBusName");
    Objects.requireNonNull(sbomBucket, "sbomBucket");
    Objects.requireNonNull(failOn, "failOn");
    Objects.requireNonNull(folderMarker, "folderMarker");
    if (folderMarker.isEmpty() || folderMarker.contains("/")) {
      throw new IllegalStateException(
          "FOLDER_MARKER must be a file name (no '/'), not '" + folderMarker + "'");
    }
    if (retentionDays < 0) {
      throw new IllegalStateException("RETENTION_DAYS must be 0 (keep forever) or more");
    }
  }

  /** This configuration failing scans on findings at or above another severity. */
  public ScanConfig withFailOn(Severity value) {
    return with(b -> b.failOn = value);
  }

  /** This configuration with another folder marker file name. */
  public ScanConfig withFolderMarker(String value) {
    return with(b -> b.folderMarker = value);
  }

  /** The policy every scan of this deployment is judged by. */
  public Policy policy() {
    return new Policy(failOn, false);
  }

  /** This configuration with another SBOM bucket. */
  public ScanConfig withSbomBucket(String value) {
    return with(b -> b.sbomBucket = value);
  }

  /** This configuration with one component changed: what every {@code with…} method does. */
  private ScanConfig with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** A mutable copy of the components, so each {@code with…} method names only what it changes. */
  private static final class Copy {
    String resultsBucket;
    String tableName;
    String eventBusName;
    int reportInlineMaxBytes;
    boolean s3PathStyle;
    long maxObjectBytes;
    String sbomBucket;
    @Nullable String largeModelStateMachineArn;
    int retentionDays;
    Severity failOn;
    String folderMarker;

    Copy(ScanConfig c) {
      resultsBucket = c.resultsBucket;
      tableName = c.tableName;
      eventBusName = c.eventBusName;
      reportInlineMaxBytes = c.reportInlineMaxBytes;
      s3PathStyle = c.s3PathStyle;
      maxObjectBytes = c.maxObjectBytes;
      sbomBucket = c.sbomBucket;
      largeModelStateMachineArn = c.largeModelStateMachineArn;
      retentionDays = c.retentionDays;
      failOn = c.failOn;
      folderMarker = c.folderMarker;
    }

    ScanConfig build() {
      return new ScanConfig(
          resultsBucket,
          tableName,
          eventBusName,
          reportInlineMaxBytes,
          s3PathStyle,
          maxObjectBytes,
          sbomBucket,
          largeModelStateMachineArn,
          retentionDays,
          failOn,
          folderMarker);
    }
  }

  /**
   * Reads the environment.
   *
   * @throws IllegalStateException naming every missing variable, so a bad deployment fails at init
   *     with one clear message
   */
  public static ScanConfig fromEnvironment(Map<String, String> env) {
    StringBuilder missing = new StringBuilder();
    for (String name : new String[] {"RESULTS_BUCKET", "TABLE_NAME", "EVENT_BUS_NAME"}) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        missing.append(missing.length() == 0 ? "" : ", ").append(name);
      }
    }
    if (missing.length() > 0) {
      throw new IllegalStateException("missing environment variables: " + missing);
    }
    String inline = env.get("REPORT_INLINE_MAX_BYTES");
    String maxObject = env.get("MAX_OBJECT_BYTES");
    String sbom = env.get("SBOM_BUCKET");
    String largeModels = env.get("LARGE_MODEL_STATE_MACHINE_ARN");
    String retention = env.get("RETENTION_DAYS");
    String marker = env.get("FOLDER_MARKER");
    Severity failOn = parseFailOn(env.get("FAIL_ON"));
    return new ScanConfig(
        env.get("RESULTS_BUCKET"),
        env.get("TABLE_NAME"),
        env.get("EVENT_BUS_NAME"),
        inline == null || inline.isBlank()
            ? DEFAULT_REPORT_INLINE_MAX_BYTES
            : Integer.parseInt(inline.trim()),
        Boolean.parseBoolean(env.getOrDefault("S3_FORCE_PATH_STYLE", "false")),
        maxObject == null || maxObject.isBlank()
            ? DEFAULT_MAX_OBJECT_BYTES
            : Long.parseLong(maxObject.trim()),
        sbom == null || sbom.isBlank() ? env.get("RESULTS_BUCKET") : sbom,
        largeModels == null || largeModels.isBlank() ? null : largeModels.trim(),
        retention == null || retention.isBlank() ? 0 : Integer.parseInt(retention.trim()),
        failOn,
        marker == null || marker.isBlank() ? DEFAULT_FOLDER_MARKER : marker.trim());
  }

  /**
   * {@code FAIL_ON} as the CDK app sets it (lower case; any case is accepted, as the CLI does).
   * Unset or blank is the scanner's default, {@code high}; anything else fails at init, naming the
   * accepted values: a typo must not quietly scan with another threshold.
   */
  static Severity parseFailOn(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return Policy.defaults().failOn();
    }
    try {
      return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "FAIL_ON='" + value + "': expected critical, high, medium, low or info", e);
    }
  }
}
