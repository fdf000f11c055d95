package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What a REST API proxy integration returns to API Gateway (payload format 1.0).
 *
 * @param body text; base64 when {@code isBase64Encoded}
 */
public record ApiGatewayProxyResponse(
    int statusCode,
    Map<String, String> headers,
    String body,
    @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {
  public ApiGatewayProxyResponse {
    headers = Map.copyOf(headers);
  }
}
