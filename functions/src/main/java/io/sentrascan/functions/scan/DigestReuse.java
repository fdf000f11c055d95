package io.sentrascan.functions.scan;

import static io.sentrascan.functions.scan.ScanTableDesign.s;

import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Reuse of an earlier scan of the same content. The digest must be known before reading the object,
 * so it is S3's own: the {@code ChecksumSHA256} HeadObject returns (with checksum mode enabled)
 * when the uploader asked S3 for a SHA-256 and S3 verified it, and only of type {@code FULL_OBJECT}
 * (a multipart upload's {@code COMPOSITE} value is a digest of part digests, not of the content).
 * Without one the object is scanned as usual.
 *
 * <p>A scan qualifies when it is in the {@value ScanTableDesign#BY_DIGEST} index under that digest,
 * was made by the same scanner version, and has a verdict other than {@code ERROR} (a failed read
 * says nothing about the content). The new object revision gets a record of its own (its own scan
 * id, object, version and time) carrying the earlier verdict, counts, findings, report and ML-BOM,
 * and {@code reusedFrom} naming the scan that actually read the bytes.
 *
 * <p>The earlier verdict must also be the one this deployment's policy ({@code FAIL_ON}) gives on
 * the earlier counts: a scan judged under another threshold (the setting changed, or another team
 * wrote the record) is not reused but scanned again, so that a MEDIUM finding under {@code
 * FAIL_ON=medium} is never passed on the strength of a scan that failed only on HIGH.
 */
final class DigestReuse {
  /** Index pages looked at for a qualifying scan (each up to 25 items, newest first). */
  static final int MAX_PAGES = 4;

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final ScanRecordStore store;
  private final String scannerVersion;
  private final Policy policy;

  DigestReuse(
      DynamoDbClient dynamoDb,
      String table,
      ScanRecordStore store,
      String scannerVersion,
      Policy policy) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.store = store;
    this.scannerVersion = scannerVersion;
    this.policy = policy;
  }

  /**
   * Whether {@code policy} gives the earlier record's verdict on its counts: FAIL when a finding is
   * at or above the threshold, else PASS (an earlier FAIL that the threshold no longer explains may
   * hide file errors, which would make it ERROR: scanned again rather than guessed).
   */
  static boolean sameVerdictUnder(Policy policy, ScanRecord earlier) {
    boolean fails = false;
    for (Severity s : Severity.values()) {
      if (s.atLeast(policy.failOn()) && earlier.countsBySeverity().getOrDefault(s.name(), 0) > 0) {
        fails = true;
      }
    }
    return earlier.verdict().equals(fails ? "FAIL" : "PASS");
  }

  /**
   * The lowercase hex SHA-256 of the whole object as S3 states it, or null when S3 states none (no
   * SHA-256 was sent at upload, or it is a {@code COMPOSITE} of parts, or it is not 32 bytes of
   * base64).
   *
   * <p>S3 names the type ({@code x-amz-checksum-type}); S3Mock 4.12.4 (and S3 before 2025) does
   * not. Without a type the value is taken only when it is plain base64 of 32 bytes: a composite
   * value carries a {@code -<parts>} suffix, which fails that test.
   */
  static @Nullable String fullObjectSha256(HeadObjectResponse head) {
    String b64 = head.checksumSHA256();
    if (b64 == null
        || (head.checksumType() != null && head.checksumType() != ChecksumType.FULL_OBJECT)) {
      return null;
    }
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return digest.length == 32 ? HexFormat.of().formatHex(digest) : null;
  }

  /**
   * The record of {@code object} reusing an earlier scan of the same content, or empty when S3
   * states no full-object SHA-256 or no earlier scan qualifies.
   */
  Optional<ScanRecord> reuse(
      String scanId, ObjectRef object, HeadObjectResponse head, Instant now, long millis) {
    String sha256 = fullObjectSha256(head);
    if (sha256 == null) {
      return Optional.empty();
    }
    return earlierScan(sha256, scanId)
        .flatMap(
            earlier -> {
              String report = null;
              if (earlier.reportLocation() == null) {
                // Inline: copied into the new scan's own report item, so every reader finds it
                // the usual way.
                Optional<String> inline = store.findReport(earlier.scanId());
                if (inline.isEmpty()) {
                  return Optional.empty();
                }
                report = inline.get();
              }
              return Optional.of(
                  new ScanRecord(
                      scanId,
                      object.bucket(),
                      object.key(),
                      object.versionId(),
                      object.revision(),
                      sha256,
                      head.contentLength(),
                      earlier.verdict(),
                      earlier.reason(),
                      earlier.countsBySeverity(),
                      relocate(earlier, object),
                      earlier.scannerVersion(),
                      now,
                      millis,
                      report,
                      earlier.reportLocation(),
                      earlier.sbomLocation(),
                      false,
                      object.sequencer(),
                      earlier.reusedFrom() != null ? earlier.reusedFrom() : earlier.scanId()));
            });
  }

  private Optional<ScanRecord> earlierScan(String sha256, String scanId) {
    Map<String, AttributeValue> startKey = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      QueryRequest.Builder q =
          QueryRequest.builder()
              .tableName(table)
              .indexName(ScanTableDesign.BY_DIGEST)
              .keyConditionExpression("gsi2pk = :p")
              .filterExpression("#sv = :sv AND #v <> :error AND #id <> :self")
              .expressionAttributeNames(
                  Map.of("#sv", "scannerVersion", "#v", "verdict", "#id", "scanId"))
              .expressionAttributeValues(
                  Map.of(
                      ":p", s(ScanTableDesign.digestPartition(sha256)),
                      ":sv", s(scannerVersion),
                      ":error", s("ERROR"),
                      ":self", s(scanId)))
              .scanIndexForward(false)
              .limit(25);
      if (startKey != null) {
        q.exclusiveStartKey(startKey);
      }
      QueryResponse response = dynamoDb.query(q.build());
      for (Map<String, AttributeValue> item : response.items()) {
        ScanRecord earlier = ScanRecordStore.fromItem(item);
        // Without a report and a BOM there is nothing to reuse but a verdict: scan instead.
        if (earlier.sbomLocation() != null
            && (earlier.reportLocation() != null || hasInlineReport(item))
            && sameVerdictUnder(policy, earlier)) {
          return Optional.of(earlier);
        }
      }
      if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
        break;
      }
      startKey = response.lastEvaluatedKey();
    }
    return Optional.empty();
  }

  private static boolean hasInlineReport(Map<String, AttributeValue> item) {
    AttributeValue inline = item.get("reportInline");
    return inline != null && Boolean.TRUE.equals(inline.bool());
  }

  /** The earlier findings, located in this object (same content, so same places inside it). */
  private static List<ModelScanCompleted.TopFinding> relocate(
      ScanRecord earlier, ObjectRef object) {
    String from = "s3://" + earlier.bucket() + "/" + earlier.key();
    List<ModelScanCompleted.TopFinding> out = new ArrayList<>();
    for (ModelScanCompleted.TopFinding f : earlier.topFindings()) {
      String path = f.path();
      if (path.equals(from) || path.startsWith(from + "!") || path.startsWith(from + "/")) {
        path = object.uri() + path.substring(from.length());
      }
      out.add(new ModelScanCompleted.TopFinding(f.ruleId(), f.severity(), f.title(), path));
    }
    return out;
  }
}
