package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.LocalS3;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** Ranged reads of exact object versions, against S3Mock. */
class S3RangeSourceTest {
  @RegisterExtension static final S3MockExtension S3_MOCK = LocalS3.extension();

  private static final String BUCKET = "range-source-test";
  private static S3Client s3;

  @BeforeAll
  static void bucket() {
    s3 = AwsTestClients.s3(LocalS3.endpoint(S3_MOCK));
    s3.createBucket(b -> b.bucket(BUCKET));
    s3.putBucketVersioning(
        b ->
            b.bucket(BUCKET)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
  }

  private static PutObjectResponse put(String key, byte[] data) {
    return s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
  }

  private static S3RangeSource source(String key, String versionId, long size, int block) {
    return new S3RangeSource(
        s3, BUCKET, key, versionId, null, size, "s3://" + BUCKET + "/" + key, block);
  }

  @Test
  void readsTheVersionTheEventNamedNotTheNewestOne() throws IOException {
    byte[] first = "first upload".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String v1 = put("versioned.bin", first).versionId();
    put("versioned.bin", "second, longer upload".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    S3RangeSource source = source("versioned.bin", v1, first.length, 1024);

    assertThat(v1).isNotBlank();
    assertThat(source.readFully(0, first.length)).isEqualTo(first);
  }

  @Test
  void fetchesOnlyTheBlocksThatAreReadAndCachesThem() throws IOException {
    byte[] data = randomBytes(10 * 4096 + 123);
    String v = put("blocks.bin", data).versionId();
    S3RangeSource source = source("blocks.bin", v, data.length, 4096);

    byte[] tail = source.readFully(data.length - 10, 10);
    source.readFully(data.length - 100, 50);

    assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 10, data.length));
    assertThat(source.requests()).isEqualTo(1);
    assertThat(source.bytesFetched()).isEqualTo(123);

    byte[] across = source.readFully(4096 - 8, 16); // spans blocks 0 and 1

    assertThat(across).isEqualTo(java.util.Arrays.copyOfRange(data, 4096 - 8, 4096 + 8));
    assertThat(source.requests()).isEqualTo(3);
    assertThat(source.bytesFetched()).isEqualTo(123 + 2 * 4096).isLessThan(data.length);
  }

  @Test
  void aLargeSequentialReadDoesNotEvictTheParsersCachedBlocks() throws IOException {
    byte[] data = randomBytes(20 * 4096);
    String v = put("hash-pass.bin", data).versionId();
    S3RangeSource source = source("hash-pass.bin", v, data.length, 4096);

    source.readFully(data.length - 22, 22); // a parser reads the tail (a zip's end record)
    byte[] big = new byte[16 * 4096];
    int n = source.read(0, big, 0, big.length); // the hash pass reads a large span
    source.readFully(data.length - 22, 22); // the parser comes back to the tail

    assertThat(n).isEqualTo(big.length);
    assertThat(big).isEqualTo(java.util.Arrays.copyOf(data, big.length));
    assertThat(source.requests()).isEqualTo(2);
  }

  @Test
  void aStreamOverTheWholeObjectHasItsExactContent() throws Exception {
    byte[] data = randomBytes(3 * S3RangeSource.BLOCK_BYTES / 2 + 7);
    String v = put("whole.bin", data).versionId();
    S3RangeSource source = source("whole.bin", v, data.length, S3RangeSource.BLOCK_BYTES);

    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = source.openStream()) {
      md.update(in.readAllBytes());
    }

    assertThat(md.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(source.requests()).isEqualTo(2);
    assertThat(source.read(data.length, new byte[1], 0, 1)).isEqualTo(-1);
  }

  @Test
  void aVersionThatIsGoneFailsTheReadWithTheObjectsName() {
    String v = put("gone.bin", new byte[100]).versionId();
    s3.deleteObject(b -> b.bucket(BUCKET).key("gone.bin").versionId(v));
    S3RangeSource source = source("gone.bin", v, 100, 4096);

    assertThatThrownBy(() -> source.readFully(0, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://" + BUCKET + "/gone.bin");
  }

  @Test
  void anObjectShorterThanDeclaredIsAnEndOfFileNotGarbage() {
    String v = put("short.bin", new byte[100]).versionId();
    S3RangeSource source = source("short.bin", v, 5000, 4096);

    assertThatThrownBy(() -> source.readFully(0, 200)).isInstanceOf(IOException.class);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }
}
