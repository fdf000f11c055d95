package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Init-time behaviour: priming for SnapStart and configuration from the environment. */
class ScanObjectHandlerSnapStartTest {
  /** Nothing listens here: any AWS call during priming would fail the test. */
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

  private static ScanObjectHandler offlineHandler() {
    return new ScanObjectHandler(
        AwsTestClients.s3(NOWHERE),
        AwsTestClients.dynamoDb(NOWHERE),
        AwsTestClients.eventBridge(NOWHERE),
        ScanEngine.defaults(),
        Clock.systemUTC(),
        new ScanConfig("results", "table", "bus", 1000, true, 1000, "sboms"));
  }

  @Test
  void primingScansTheBundledModelThroughTheEngineWithoutCallingAws() {
    ScanObjectHandler handler = offlineHandler();

    ScanResult result = handler.prime();
    handler.beforeCheckpoint(null);
    handler.afterRestore(null);

    assertThat(result.targets()).containsExactly("priming-model.pt");
    assertThat(result.files()).isNotEmpty();
    assertThat(result.files().get(0).size()).isPositive();
    assertThat(result.files().get(0).sha256()).hasSize(64);
    // The bundled model is benign: when its scanners land, priming must not look like an attack.
    assertThat(result.verdict().name()).isNotEqualTo("FAIL");
  }

  @Test
  void configurationComesFromTheEnvironmentAndAMissingVariableIsNamed() {
    ScanConfig config =
        ScanConfig.fromEnvironment(
            Map.of(
                "RESULTS_BUCKET", "results",
                "TABLE_NAME", "scans",
                "EVENT_BUS_NAME", "bus",
                "S3_FORCE_PATH_STYLE", "true"));
    ScanConfig tuned =
        ScanConfig.fromEnvironment(
            Map.of(
                "RESULTS_BUCKET", "results",
                "TABLE_NAME", "scans",
                "EVENT_BUS_NAME", "bus",
                "REPORT_INLINE_MAX_BYTES", "1000",
                "MAX_OBJECT_BYTES", "2000"));

    assertThat(config)
        .isEqualTo(
            new ScanConfig(
                "results",
                "scans",
                "bus",
                ScanConfig.DEFAULT_REPORT_INLINE_MAX_BYTES,
                true,
                ScanConfig.DEFAULT_MAX_OBJECT_BYTES,
                "results"));
    assertThat(
            ScanConfig.fromEnvironment(
                    Map.of(
                        "RESULTS_BUCKET", "results",
                        "TABLE_NAME", "scans",
                        "EVENT_BUS_NAME", "bus",
                        "SBOM_BUCKET", "sboms"))
                .sbomBucket())
        .isEqualTo("sboms");
    assertThat(tuned.reportInlineMaxBytes()).isEqualTo(1000);
    assertThat(tuned.maxObjectBytes()).isEqualTo(2000);
    assertThat(tuned.s3PathStyle()).isFalse();
    assertThatThrownBy(() -> ScanConfig.fromEnvironment(Map.of("TABLE_NAME", "scans")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing environment variables: RESULTS_BUCKET, EVENT_BUS_NAME");
  }
}
