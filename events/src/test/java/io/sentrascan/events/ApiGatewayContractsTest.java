package io.sentrascan.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiGatewayContractsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"apigw-get-scans.json", "apigw-get-scan.json", "apigw-post-sboms-compare.json"})
  void theSampleRequestsReadAsProxyRequests(String sample) throws Exception {
    ApiGatewayProxyRequest request =
        EventJson.read(EventJson.sample(sample), ApiGatewayProxyRequest.class);

    assertThat(request.httpMethod()).isIn("GET", "POST");
    assertThat(request.path()).startsWith("/");
    assertThat(request.requestContext().requestId()).isNotBlank();
    assertThat(request.isBase64Encoded()).isFalse();
    assertThat(EventJson.read(EventJson.write(request), ApiGatewayProxyRequest.class))
        .isEqualTo(request);
  }

  @Test
  void queryParametersAndBodiesAreRead() throws Exception {
    ApiGatewayProxyRequest list =
        EventJson.read(EventJson.sample("apigw-get-scans.json"), ApiGatewayProxyRequest.class);
    assertThat(list.queryStringParameters()).containsEntry("verdict", "FAIL");
    ApiGatewayProxyRequest compare =
        EventJson.read(
            EventJson.sample("apigw-post-sboms-compare.json"), ApiGatewayProxyRequest.class);
    assertThat(EventJson.tree(compare.body()).has("beforeScanId")).isTrue();
  }

  @Test
  void aResponseHasTheFieldsApiGatewayReads() {
    JsonNode json =
        EventJson.toTree(
            new ApiGatewayProxyResponse(
                404, Map.of("Content-Type", "application/json"), "{}", false));

    assertThat(json.get("statusCode").asInt()).isEqualTo(404);
    assertThat(json.get("headers").get("Content-Type").asText()).isEqualTo("application/json");
    assertThat(json.get("body").asText()).isEqualTo("{}");
    assertThat(json.get("isBase64Encoded").asBoolean()).isFalse();
    assertThat(json.has("base64Encoded")).isFalse();
  }
}
