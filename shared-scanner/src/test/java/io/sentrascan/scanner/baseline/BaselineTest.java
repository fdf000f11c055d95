package io.sentrascan.scanner.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The baseline's JSON form round-trips, and accepted findings leave the verdict. */
class BaselineTest {
  private static final String SHA = "a".repeat(64);

  private static ScanResult result(Policy policy, Finding... findings) {
    TreeMap<String, String> digests = new TreeMap<>();
    digests.put("SHA-256", SHA);
    FileResult file =
        new FileResult(
            "models/m/weights.pkl",
            "pickle",
            "pickle",
            0,
            10,
            digests,
            List.of(findings),
            List.of(),
            null,
            new TreeMap<>());
    return new ScanResult(
        "id",
        Instant.parse("2026-11-27T07:00:00Z"),
        1,
        "test",
        new TreeMap<>(),
        List.of("models/m"),
        List.of(file),
        policy,
        policy.verdict(List.of(file)));
  }

  private static Finding critical() {
    return RuleCatalog.defaults().all().stream()
        .filter(r -> r.severity() == Severity.CRITICAL)
        .findFirst()
        .orElseThrow()
        .finding(
            new Location("models/m/weights.pkl", 12, "GLOBAL os.system"), "os.system", "os system");
  }

  @Test
  void theJsonFormRoundTrips() throws Exception {
    Baseline b = Baseline.of(result(Policy.defaults(), critical()), true, Set.of());
    Baseline again = Baseline.parse(b.toJson().getBytes(StandardCharsets.UTF_8));
    assertThat(again).isEqualTo(b);
    assertThat(again.files()).containsOnlyKeys("weights.pkl");
    assertThat(again.accepted()).hasSize(1);
    assertThat(again.accepted().get(0).path()).isEqualTo("weights.pkl");
    assertThat(again.accepted().get(0).context()).isEqualTo("GLOBAL os.system");
    assertThat(b.toJson()).startsWith("{\n  \"schemaVersion\": \"1.0\",\n").endsWith("}\n");
  }

  @Test
  void anAcceptedFindingNoLongerFailsEvenAtAnotherOffset() {
    Baseline b = Baseline.of(result(Policy.defaults(), critical()), true, Set.of());
    Finding moved =
        new Finding(
            critical().ruleId(),
            critical().severity(),
            critical().category(),
            critical().title(),
            critical().description(),
            critical().location().withOffset(999),
            critical().evidence(),
            critical().remediation());
    ScanResult later = result(Policy.defaults(), moved);
    assertThat(later.verdict()).isEqualTo(Verdict.FAIL);
    ScanResult judged = BaselineDrift.apply(later, b);
    assertThat(judged.verdict()).isEqualTo(Verdict.PASS);
    assertThat(judged.policy().isAccepted(moved)).isTrue();
    assertThat(judged.findings()).contains(moved);
  }

  @Test
  void aFindingAtAnotherPathIsNotAccepted() {
    Baseline b = Baseline.of(result(Policy.defaults(), critical()), true, Set.of());
    Finding elsewhere = critical();
    Finding other =
        new Finding(
            elsewhere.ruleId(),
            elsewhere.severity(),
            elsewhere.category(),
            elsewhere.title(),
            elsewhere.description(),
            elsewhere.location().withContext("GLOBAL subprocess.run"),
            elsewhere.evidence(),
            elsewhere.remediation());
    ScanResult judged = BaselineDrift.apply(result(Policy.defaults(), other), b);
    assertThat(judged.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(judged.findings())
        .anyMatch(f -> f.ruleId().equals("DRIFT-FINDING-NEW") && f.severity() == Severity.CRITICAL);
  }

  @Test
  void malformedFormsSayWhatIsWrong() {
    assertThatThrownBy(() -> Baseline.parse("{\"kind\": 1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidBaselineException.class)
        .hasMessageContaining("not a SentraScan baseline");
    String dup =
        "{\"kind\": \"sentrascan-baseline\", \"schemaVersion\": \"1.2\","
            + " \"createdAt\": \"2026-01-01T00:00:00Z\", \"files\": ["
            + "{\"path\": \"a\", \"sha256\": \""
            + SHA
            + "\", \"format\": \"x\"},"
            + "{\"path\": \"a\", \"sha256\": \""
            + SHA
            + "\", \"format\": \"x\"}]}";
    assertThatThrownBy(() -> Baseline.parse(dup.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("a is listed twice");
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> Baseline.parse(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidBaselineException.class);
  }
}
