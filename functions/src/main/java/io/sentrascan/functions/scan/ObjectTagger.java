package io.sentrascan.functions.scan;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.PutObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Tags the scanned object version with its verdict and scan id, so that bucket policies and users
 * see the result on the object itself. S3 replaces the whole tag set on every put, so the owner's
 * own tags are read and kept.
 */
final class ObjectTagger {
  static final String VERDICT_TAG = "sentrascan:verdict";
  static final String SCAN_ID_TAG = "sentrascan:scan-id";

  /** S3's limit on tags per object. */
  private static final int MAX_TAGS = 10;

  private final S3Client s3;

  ObjectTagger(S3Client s3) {
    this.s3 = s3;
  }

  /** What happened. */
  enum Result {
    TAGGED,
    /**
     * The object version is gone (deleted before or during the scan) or is a delete marker; nothing
     * to tag.
     */
    OBJECT_GONE,
    /** The object already carries {@value #MAX_TAGS} tags of its own; they are not dropped. */
    NO_ROOM
  }

  Result tag(ScanRecord record) {
    return tag(
        record.bucket(), record.key(), record.versionId(), record.verdict(), record.scanId());
  }

  /** Tags one object version with a scan's verdict and id. */
  Result tag(String bucket, String key, @Nullable String versionId, String verdict, String scanId) {
    List<Tag> tags = new ArrayList<>();
    try {
      for (Tag t :
          s3.getObjectTagging(
                  GetObjectTaggingRequest.builder()
                      .bucket(bucket)
                      .key(key)
                      .versionId(versionId)
                      .build())
              .tagSet()) {
        if (!t.key().equals(VERDICT_TAG) && !t.key().equals(SCAN_ID_TAG)) {
          tags.add(t);
        }
      }
      if (tags.size() + 2 > MAX_TAGS) {
        return Result.NO_ROOM;
      }
      tags.add(Tag.builder().key(VERDICT_TAG).value(verdict).build());
      tags.add(Tag.builder().key(SCAN_ID_TAG).value(scanId).build());
      s3.putObjectTagging(
          PutObjectTaggingRequest.builder()
              .bucket(bucket)
              .key(key)
              .versionId(versionId)
              .tagging(Tagging.builder().tagSet(tags).build())
              .build());
      return Result.TAGGED;
    } catch (S3Exception e) {
      // 404: the key or version is gone; 405: the version is a delete marker, which has no tags.
      if (e.statusCode() == 404 || e.statusCode() == 405) {
        return Result.OBJECT_GONE;
      }
      throw e;
    }
  }
}
