package io.sentrascan.functions.largemodel;

import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.PlanChunk.ByteRange;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects a request covers, each pinned to the revision that is scanned: the version id, or for
 * an unversioned bucket the ETag, which every later read sends as {@code If-Match}.
 */
final class ModelListing {
  /** A folder with more files than this is refused rather than half planned. */
  static final int MAX_FILES = 100_000;

  private ModelListing() {}

  /** A request that can never be planned (the object is gone, was overwritten, is empty). */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  static List<ByteRange> list(S3Client s3, LargeScanRequest request) {
    return request.isPrefix() ? listPrefix(s3, request) : head(s3, request);
  }

  private static List<ByteRange> head(S3Client s3, LargeScanRequest request) {
    String key = String.valueOf(request.key());
    HeadObjectResponse head;
    try {
      head = s3.headObject(b -> b.bucket(request.bucket()).key(key).versionId(request.versionId()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new Rejected("object version no longer exists: deleted before it could be scanned");
      }
      throw S3Failures.of("cannot read object metadata of s3://" + request.bucket() + "/" + key, e);
    } catch (SdkException e) {
      throw S3Failures.of("cannot read object metadata of s3://" + request.bucket() + "/" + key, e);
    }
    String eTag = unquote(head.eTag());
    if (request.versionId() == null && request.eTag() != null && !request.eTag().equals(eTag)) {
      throw new Rejected(
          "object was overwritten before it could be scanned (ETag "
              + eTag
              + ", request said "
              + request.eTag()
              + "); the new upload has its own event");
    }
    long size = head.contentLength();
    return List.of(new ByteRange(request.bucket(), key, request.versionId(), eTag, size, 0, size));
  }

  private static List<ByteRange> listPrefix(S3Client s3, LargeScanRequest request) {
    String prefix = String.valueOf(request.prefix());
    List<ByteRange> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(
                  ListObjectsV2Request.builder().bucket(request.bucket()).prefix(prefix).build())
              .contents()) {
        if (o.key().endsWith("/") && o.size() == 0) {
          continue; // a console "folder" marker, not a file of the model
        }
        if (out.size() >= MAX_FILES) {
          throw new Rejected(
              "more than " + MAX_FILES + " objects under s3://" + request.bucket() + "/" + prefix);
        }
        out.add(
            new ByteRange(
                request.bucket(), o.key(), null, unquote(o.eTag()), o.size(), 0, o.size()));
      }
    } catch (SdkException e) {
      throw S3Failures.of("cannot list s3://" + request.bucket() + "/" + prefix, e);
    }
    if (out.isEmpty()) {
      throw new Rejected("no objects under s3://" + request.bucket() + "/" + prefix);
    }
    return out;
  }

  static @Nullable String unquote(@Nullable String eTag) {
    if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
      return eTag.substring(1, eTag.length() - 1);
    }
    return eTag;
  }
}
