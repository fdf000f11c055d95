package io.sentrascan.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every 4xx (and the 500) the query API answers: a JSON message and nothing internal. */
class QueryApiErrorsTest extends QueryApiTestBase {
  private static final String UNKNOWN_ID = "0d3c4a6e-5b1f-3c2d-9e8f-7a6b5c4d3e2f";

  @Test
  void badIdsParametersAndDigestsAre400() throws Exception {
    assertError(get("/scans/not-a-scan-id"), 400, "scan id is a UUID");
    assertError(get("/scans/not-a-scan-id/findings"), 400, "scan id is a UUID");
    assertError(get("/scans/by-digest/abc"), 400, "64 hexadecimal");
    assertError(get("/scans", Map.of("verdict", "MAYBE")), 400, "PASS, FAIL, ERROR");
    assertError(get("/scans", Map.of("limit", "0")), 400, "\"limit\"");
    assertError(get("/scans", Map.of("limit", "many")), 400, "\"limit\"");
    assertError(get("/scans", Map.of("limit", "101")), 400, "\"limit\"");
    assertError(get("/scans", Map.of("from", "yesterday")), 400, "ISO-8601");
    assertError(
        get("/scans", Map.of("from", "2026-11-27T00:00:00Z", "to", "2026-11-26T00:00:00Z")),
        400,
        "after");
    assertError(get("/scans", Map.of("from", "2020-01-01T00:00:00Z")), 400, "366 days");
    assertError(get("/stats", Map.of("from", "2026-01-01T00:00:00Z")), 400, "92 days");
    assertError(get("/scans", Map.of("keyPrefix", "")), 400, "keyPrefix");
  }

  @Test
  void forgedAlteredOrMismatchedTokensAre400() throws Exception {
    for (String m :
        new String[] {"benign/state_dict.pt", "benign/weights.npy", "benign/config.pkl"}) {
      scan("tok/" + m, sample(m));
    }
    String token = get("/scans", Map.of("limit", "1")).json().get("nextToken").asText();
    assertThat(get("/scans", Map.of("limit", "1", "nextToken", token)).status()).isEqualTo(200);

    assertError(get("/scans", Map.of("nextToken", "garbage")), 400, "invalid nextToken");
    assertError(get("/scans", Map.of("nextToken", "a.b.c")), 400, "invalid nextToken");
    assertError(get("/scans", Map.of("nextToken", "%%%.%%%")), 400, "invalid nextToken");
    // The client rewrites where the query starts: the MAC no longer matches.
    String payload = token.substring(0, token.indexOf('.'));
    ObjectNode state =
        (ObjectNode)
            EventJson.tree(
                new String(
                    Base64.getUrlDecoder().decode(payload),
                    java.nio.charset.StandardCharsets.UTF_8));
    state.put("i", 0);
    ((ObjectNode) state.get("k")).put("gsi3sk", "9999");
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(state.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + token.substring(token.indexOf('.'));
    assertError(get("/scans", Map.of("nextToken", forged)), 400, "invalid nextToken");
    // Signed with another key.
    QueryApiHandler other =
        new QueryApiHandler(
            s3,
            dynamoDb,
            new ApiConfig(table, RESULTS, SBOMS, "another key, also thirty-two bytes long", true),
            java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
    assertError(
        call(other, "GET", "/scans", Map.of("nextToken", token), null), 400, "invalid nextToken");
    // A token with other filters.
    assertError(
        get("/scans", Map.of("nextToken", token, "verdict", "FAIL")), 400, "different query");
  }

  @Test
  void unknownScansAre404() throws Exception {
    assertError(get("/scans/" + UNKNOWN_ID), 404, "no scan with id " + UNKNOWN_ID);
    assertError(get("/scans/" + UNKNOWN_ID + "/findings"), 404, "no scan");
    assertError(get("/scans/" + UNKNOWN_ID + "/sbom"), 404, "no scan");
    assertError(get("/nothing/here"), 404, "no route");
    assertError(
        call(
            api(),
            "POST",
            "/sboms/compare",
            null,
            "{\"beforeScanId\":\"" + UNKNOWN_ID + "\",\"afterScanId\":\"" + UNKNOWN_ID + "\"}"),
        404,
        "no scan");
  }

  @Test
  void wrongMethodsAre405WithAllow() throws Exception {
    Answer post = call(api(), "POST", "/scans", null, "{}");
    assertError(post, 405, "not allowed");
    assertThat(post.headers()).containsEntry("Allow", "GET");
    Answer get = get("/sboms/compare");
    assertError(get, 405, "not allowed");
    assertThat(get.headers()).containsEntry("Allow", "POST");
    assertThat(call(api(), "DELETE", "/scans/" + UNKNOWN_ID, null, null).headers())
        .containsEntry("Allow", "GET");
  }

  @Test
  void oversizedBodiesAre413AndBadBodies400() throws Exception {
    String big = "{\"before\":\"" + "x".repeat(QueryApiHandler.MAX_BODY_BYTES) + "\"}";
    assertError(call(api(), "POST", "/sboms/compare", null, big), 413, "over");
    // The bound counts decoded bytes, whatever the encoding.
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("apigw-post-sboms-compare.json"));
    event.put("isBase64Encoded", true);
    event.put(
        "body", Base64.getEncoder().encodeToString(new byte[QueryApiHandler.MAX_BODY_BYTES + 1]));
    assertError(invokeApi(api(), event.toString()), 413, "over");

    assertError(call(api(), "POST", "/sboms/compare", null, null), 400, "empty");
    assertError(call(api(), "POST", "/sboms/compare", null, "not json"), 400, "not JSON");
    assertError(call(api(), "POST", "/sboms/compare", null, "[1]"), 400, "JSON object");
    assertError(call(api(), "POST", "/sboms/compare", null, "{}"), 400, "two BOMs");
    assertError(
        call(api(), "POST", "/sboms/compare", null, "{\"before\":{\"a\":1},\"after\":{\"b\":2}}"),
        400,
        "not a valid CycloneDX BOM");
    assertError(
        call(
            api(),
            "POST",
            "/sboms/compare",
            null,
            "{\"beforeScanId\":\"x\",\"afterScanId\":\"y\"}"),
        400,
        "scan id is a UUID");
    assertError(invokeApi(api(), "this is not an event"), 400, "not an API Gateway");
  }

  @Test
  void theSampleRequestsAreAnswered() throws Exception {
    assertThat(invokeApi(api(), EventJson.sample("apigw-get-scans.json")).status()).isEqualTo(200);
    assertError(invokeApi(api(), EventJson.sample("apigw-get-scan.json")), 404, "no scan");
    assertError(
        invokeApi(api(), EventJson.sample("apigw-post-sboms-compare.json")), 404, "no scan");
  }

  @Test
  void aFailureInsideIs500AndNamesNoTableOrException() throws Exception {
    QueryApiHandler broken = api("no-such-table-" + table);
    Answer answer = call(broken, "GET", "/scans/" + UNKNOWN_ID, null, null);
    assertError(answer, 500, "internal error");
    assertThat(answer.body()).contains("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
  }

  private void assertError(Answer answer, int status, String message) throws Exception {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.headers()).containsEntry("Content-Type", "application/json");
    JsonNode body = answer.json();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("message").asText()).contains(message);
    assertThat(answer.body())
        .doesNotContain(table)
        .doesNotContain(RESULTS)
        .doesNotContain(SBOMS)
        .doesNotContain("Exception")
        .doesNotContain("at io.")
        .doesNotContain("software.amazon");
  }
}
