package io.sentrascan.functions.scan;

import io.sentrascan.events.EventJson;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.report.JsonReportWriter;
import io.sentrascan.scanner.sbom.BomFormat;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import io.sentrascan.scanner.sbom.MlBomWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The local work every function that records scans does on its first invocation, done once before a
 * SnapStart snapshot instead: the bundled model's bytes, and the report, ML-BOM, scan record and
 * event mappings of a result. Nothing is sent anywhere; every value it builds is fixed (no random
 * id, no clock, no credentials), so nothing that must differ per sandbox lands in the snapshot.
 */
public final class PrimingWork {
  /** A benign PyTorch model in the jar, small enough to scan in milliseconds. */
  public static final String MODEL = "/io/sentrascan/functions/scan/priming-model.pt";

  /** The fixed scan id priming records carry. */
  public static final String SCAN_ID = "00000000-0000-3000-8000-000000000000";

  private PrimingWork() {}

  /** The bundled model's bytes. */
  public static byte[] model() {
    try (InputStream in = PrimingWork.class.getResourceAsStream(MODEL)) {
      if (in == null) {
        throw new IllegalStateException("priming model missing from the jar: " + MODEL);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Maps a result as recording it would: JSON report, ML-BOM (CycloneDX model and JSON writer), the
   * scan record to and from its DynamoDB item, and the {@code Model Scan Completed} event.
   */
  public static void mapResult(ScanResult result, String name, long size) {
    new JsonReportWriter().render(result);
    MlBomWriter.render(new MlBomBuilder().withName(name).build(result), BomFormat.JSON);
    ScanRecord record =
        new ScanRecord(
            SCAN_ID,
            "priming-bucket",
            name,
            null,
            "etag:priming",
            null,
            size,
            result.verdict().name(),
            null,
            Map.of(),
            List.of(),
            result.toolVersion(),
            Instant.EPOCH,
            0,
            null,
            null,
            null,
            false);
    ScanRecordStore.fromItem(ScanRecordStore.toItem(record));
    EventJson.write(record.toEvent());
  }
}
