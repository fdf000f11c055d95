package io.sentrascan.functions.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import java.util.ArrayList;
import java.util.List;

/**
 * The canned API Gateway requests the query function answers before a SnapStart checkpoint: every
 * one is answered without DynamoDB, S3 or Secrets Manager (health, refusals decided by the request
 * alone, and a BOM comparison of two inline BOMs), so priming makes no network call.
 */
final class PrimingRequests {
  private static final String BOM_BEFORE =
      "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
          + "\"components\":[{\"type\":\"library\",\"name\":\"torch\","
          + "\"purl\":\"pkg:pypi/torch@2.4.0\",\"version\":\"2.4.0\"}]}";
  private static final String BOM_AFTER =
      "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
          + "\"components\":[{\"type\":\"library\",\"name\":\"torch\","
          + "\"purl\":\"pkg:pypi/torch@2.5.1\",\"version\":\"2.5.1\"}]}";

  private PrimingRequests() {}

  /** The events, as API Gateway would send them. */
  static List<String> all() {
    List<String> out = new ArrayList<>();
    out.add(request("GET", "/health", null));
    out.add(request("GET", "/scans/not-a-scan-id", null));
    out.add(request("GET", "/scans/by-digest/not-a-digest", null));
    out.add(request("DELETE", "/scans", null));
    out.add(request("GET", "/no/such/route", null));
    out.add(
        request(
            "POST",
            "/sboms/compare",
            "{\"before\":" + BOM_BEFORE + ",\"after\":" + BOM_AFTER + "}"));
    out.add("not an API Gateway event");
    return out;
  }

  private static String request(String method, String path, String body) {
    try {
      ObjectNode event = (ObjectNode) EventJson.tree(EventJson.sample("apigw-get-scans.json"));
      event.put("httpMethod", method);
      event.put("path", path);
      ((ObjectNode) event.get("requestContext")).put("httpMethod", method);
      ((ObjectNode) event.get("requestContext")).put("requestId", "priming");
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
      if (body == null) {
        event.putNull("body");
      } else {
        event.put("body", body);
      }
      return event.toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the bundled API Gateway sample is JSON", e);
    }
  }
}
