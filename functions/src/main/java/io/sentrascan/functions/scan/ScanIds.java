package io.sentrascan.functions.scan;

import io.sentrascan.events.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Scan ids are derived from the object revision, not random: a redelivered event computes the same
 * id, so the conditional write of the record is what makes processing idempotent, and a lookup by
 * id needs no index.
 */
final class ScanIds {
  private ScanIds() {}

  static String of(ObjectRef object) {
    String name =
        "sentrascan-scan/1\n" + object.bucket() + "\n" + object.key() + "\n" + object.revision();
    // A name-based UUID: stable, fixed length, and reveals nothing about the key in tags and URLs.
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
