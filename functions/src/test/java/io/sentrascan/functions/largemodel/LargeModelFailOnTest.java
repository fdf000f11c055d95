package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.scanner.Severity;
import org.junit.jupiter.api.Test;

/**
 * The Aggregate step judges the merged findings by {@code FAIL_ON} as the scan function does: a
 * folder whose only finding is MEDIUM passes by default and fails with {@code FAIL_ON=medium}.
 */
class LargeModelFailOnTest extends LargeModelTestBase {
  private Run scanFolder(String name, Severity failOn) throws Exception {
    String prefix = "fail-on-" + table + "/" + name + "/";
    upload(prefix + "config.json", fixture("hfconfig/benign-llama3-config.json"));
    upload(prefix + "weights.npy", mediumOnly());
    config = config.withFailOn(failOn);
    return run(
        LargeScanRequest.forPrefix(name + "-" + table, MODELS, prefix),
        largeConfig(1L << 20, 1L << 20));
  }

  @Test
  void aMediumOnlyFolderPassesByDefault() throws Exception {
    Run run = scanFolder("default", Severity.HIGH);

    assertThat(run.outcome().get("verdict").asText()).isEqualTo("PASS");
    assertThat(item(run.outcome().get("scanId").asText()).get("counts").m().get("MEDIUM").n())
        .isEqualTo("1");
  }

  @Test
  void aMediumOnlyFolderFailsWithFailOnMedium() throws Exception {
    Run run = scanFolder("medium", Severity.MEDIUM);

    assertThat(run.outcome().get("verdict").asText()).isEqualTo("FAIL");
    assertThat(item(run.outcome().get("scanId").asText()).get("verdict").s()).isEqualTo("FAIL");
  }
}
