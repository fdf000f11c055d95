package io.sentrascan.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** The query API's routes over records the real scan function wrote. */
class QueryApiHandlerTest extends QueryApiTestBase {

  @Test
  void maliciousAndBenignUploadsAreScannedAndTheirVerdictsReadBackThroughTheApi() throws Exception {
    byte[] bad = sample("malicious/pytorch_model.pt");
    byte[] good = sample("benign/state_dict.pt");
    String badId = scan("e2e/malicious.pt", bad);
    String goodId = scan("e2e/benign.pt", good);

    // S3 delivers at least once: a replayed upload event adds nothing the API would show.
    PutObjectResponse again = upload("e2e/replayed.pt", bad);
    String event = s3Event("e2e/replayed.pt", again, bad.length);
    String replayedId = invoke(scanner(), event).get(0).get("scanId").asText();
    invoke(scanner(), event);
    assertThat(get("/scans", Map.of("keyPrefix", "e2e/replayed")).json().get("scans")).hasSize(1);
    assertThat(get("/scans/by-digest/" + sha256(bad)).json().findValuesAsText("scanId"))
        .containsExactly(replayedId, badId);
    s3.deleteObject(b -> b.bucket(MODELS).key("e2e/replayed.pt"));

    JsonNode fail = get("/scans", Map.of("verdict", "FAIL", "keyPrefix", "e2e/m")).json();
    assertThat(fail.get("scans")).hasSize(1);
    assertThat(fail.at("/scans/0/scanId").asText()).isEqualTo(badId);
    assertThat(fail.at("/scans/0/key").asText()).isEqualTo("e2e/malicious.pt");
    assertThat(fail.get("nextToken").isNull()).isTrue();
    JsonNode pass = get("/scans", Map.of("verdict", "pass")).json();
    assertThat(pass.get("scans")).hasSize(1);
    assertThat(pass.at("/scans/0/scanId").asText()).isEqualTo(goodId);

    Answer one = get("/scans/" + badId);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.headers()).containsEntry("Content-Type", "application/json");
    JsonNode record = one.json();
    assertThat(record.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(record.get("sha256").asText()).isEqualTo(sha256(bad));
    assertThat(record.at("/countsBySeverity/CRITICAL").asInt()).isPositive();
    assertThat(record.get("sbomLocation").asText())
        .isEqualTo("s3://" + SBOMS + "/sboms/" + badId + ".cdx.json");
    // Index keys and bookkeeping stay inside.
    assertThat(record.has("pk")).isFalse();
    assertThat(record.has("gsi3pk")).isFalse();
    assertThat(record.has("notified")).isFalse();

    JsonNode findings = get("/scans/" + badId + "/findings").json();
    assertThat(findings.get("findings")).isNotEmpty();
    assertThat(findings.at("/findings/0/ruleId").asText()).isNotBlank();
    assertThat(get("/scans/" + goodId + "/findings").json().get("findings")).isEmpty();

    Answer sbom = get("/scans/" + badId + "/sbom");
    assertThat(sbom.status()).isEqualTo(200);
    assertThat(sbom.headers().get("Content-Type")).startsWith("application/vnd.cyclonedx+json");
    assertThat(sbom.json().get("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.body()).contains(sha256(bad));

    JsonNode byDigest =
        get("/scans/by-digest/" + sha256(good).toUpperCase(java.util.Locale.ROOT)).json();
    assertThat(byDigest.get("scans")).hasSize(1);
    assertThat(byDigest.at("/scans/0/scanId").asText()).isEqualTo(goodId);
    assertThat(get("/scans/by-digest/" + "0".repeat(64)).json().get("scans")).isEmpty();

    JsonNode stats = get("/stats").json();
    assertThat(stats.get("scans").asInt()).isEqualTo(3);
    assertThat(stats.at("/byVerdict/FAIL").asInt()).isEqualTo(2);
    assertThat(stats.at("/byVerdict/PASS").asInt()).isEqualTo(1);
    assertThat(stats.at("/byVerdict/ERROR").asInt()).isZero();
    assertThat(stats.at("/findingsBySeverity/CRITICAL").asInt())
        .isEqualTo(2 * record.at("/countsBySeverity/CRITICAL").asInt());
    assertThat(stats.get("truncated").asBoolean()).isFalse();
    // A window before the scans counts nothing.
    assertThat(
            get("/stats", Map.of("from", "2026-10-01T00:00:00Z", "to", "2026-10-31T00:00:00Z"))
                .json()
                .get("scans")
                .asInt())
        .isZero();

    Answer health = get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void scansArePagedWithAnOpaqueTokenAndFiltersApplyAcrossPages() throws Exception {
    List<String> ids = new ArrayList<>();
    String[] models = {
      "benign/state_dict.pt",
      "benign/weights.npy",
      "malicious/pytorch_model.pt",
      "malicious/object_array.npy",
      "malicious/model.bin"
    };
    for (String m : models) {
      ids.add(scan("paged/" + m, sample(m)));
    }
    scan("elsewhere/state_dict.pt", sample("benign/state_dict.pt"));

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Map<String, String> q = new java.util.HashMap<>(Map.of("limit", "2", "keyPrefix", "paged/"));
      if (token != null) {
        q.put("nextToken", token);
      }
      Answer page = get("/scans", q);
      assertThat(page.status()).isEqualTo(200);
      JsonNode json = page.json();
      assertThat(json.get("scans").size()).isLessThanOrEqualTo(2);
      json.get("scans").forEach(s -> seen.add(s.get("scanId").asText()));
      token = json.get("nextToken").isNull() ? null : json.get("nextToken").asText();
      pages++;
    } while (token != null && pages < 20);

    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    assertThat(pages).isGreaterThanOrEqualTo(3);

    // The bucket filter and the time range.
    assertThat(get("/scans", Map.of("bucket", "another-bucket")).json().get("scans")).isEmpty();
    assertThat(
            get("/scans", Map.of("from", "2026-11-27T03:00:00Z", "to", "2026-11-27T05:00:00Z"))
                .json()
                .get("scans"))
        .hasSize(6);
    assertThat(get("/scans", Map.of("to", "2026-11-27T02:00:00Z")).json().get("scans")).isEmpty();
  }

  @Test
  void anObjectsScansComeFromItsOwnIndexNewestFirst() throws Exception {
    String first = scan("history/model.pt", sample("benign/state_dict.pt"));
    String second = scan("history/model.pt", sample("malicious/pytorch_model.pt"));
    scan("history/model.pt.bak", sample("benign/state_dict.pt"));

    Map<String, String> object = Map.of("bucket", MODELS, "key", "history/model.pt");
    assertThat(get("/scans", object).json().findValuesAsText("scanId"))
        .containsExactly(second, first);
    Map<String, String> failed = new java.util.HashMap<>(object);
    failed.put("verdict", "FAIL");
    assertThat(get("/scans", failed).json().findValuesAsText("scanId")).containsExactly(second);
    Map<String, String> paged = new java.util.HashMap<>(object);
    paged.put("limit", "1");
    JsonNode page1 = get("/scans", paged).json();
    assertThat(page1.findValuesAsText("scanId")).containsExactly(second);
    paged.put("nextToken", page1.get("nextToken").asText());
    assertThat(get("/scans", paged).json().findValuesAsText("scanId")).containsExactly(first);
    assertThat(get("/scans", Map.of("key", "history/model.pt")).status()).isEqualTo(400);
  }

  @Test
  void twoBomsCompareByScanIdOrInline() throws Exception {
    String a = scan("cmp/model.pt", sample("benign/state_dict.pt"));
    String b = scan("cmp/model2.pt", sample("malicious/pytorch_model.pt"));

    Answer byId =
        call(
            api(),
            "POST",
            "/sboms/compare",
            null,
            "{\"beforeScanId\":\"" + a + "\",\"afterScanId\":\"" + b + "\"}");
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.json().get("identical").asBoolean()).isFalse();
    assertThat(byId.json().at("/vulnerabilities/added")).isNotEmpty();

    String bomA = get("/scans/" + a + "/sbom").body();
    String bomB = get("/scans/" + b + "/sbom").body();
    Answer inline =
        call(
            api(),
            "POST",
            "/sboms/compare",
            null,
            "{\"before\":" + bomA + ",\"after\":" + bomB + "}");
    assertThat(inline.status()).isEqualTo(200);
    assertThat(inline.json()).isEqualTo(byId.json());

    Answer same =
        call(
            api(),
            "POST",
            "/sboms/compare",
            null,
            "{\"before\":" + bomA + ",\"after\":" + bomA + "}");
    assertThat(same.json().get("identical").asBoolean()).isTrue();
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  static JsonNode tree(String json) throws Exception {
    return EventJson.tree(json);
  }
}
