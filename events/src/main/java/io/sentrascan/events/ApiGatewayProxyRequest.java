package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The part of an API Gateway REST API proxy integration event (payload format 1.0) the query API
 * reads. Everything else API Gateway sends is ignored (see {@link EventJson}). Samples: {@code
 * samples/apigw-*.json}.
 *
 * @param httpMethod {@code GET}, {@code POST}, ...
 * @param path the request path without the stage, already URL-decoded by API Gateway
 * @param queryStringParameters the last value of each query parameter, or null when there are none
 * @param body the request body, base64 when {@code isBase64Encoded}
 */
public record ApiGatewayProxyRequest(
    @Nullable String resource,
    @Nullable String path,
    @Nullable String httpMethod,
    @Nullable Map<String, String> headers,
    @Nullable Map<String, String> queryStringParameters,
    @Nullable Map<String, String> pathParameters,
    @Nullable RequestContext requestContext,
    @Nullable String body,
    @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {

  /** Where the request came from; only the id is used, to correlate logs with responses. */
  public record RequestContext(@Nullable String requestId, @Nullable String stage) {}
}
