package io.sentrascan.functions.api;

import java.util.List;

/**
 * A request the API answers with a 4xx: the message is shown to the client, so it names what was
 * wrong with the request and nothing of the function's internals.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient List<String> allow;

  ApiException(int status, String message) {
    this(status, message, List.of());
  }

  ApiException(int status, String message, List<String> allow) {
    super(message, null, false, false);
    this.status = status;
    this.allow = List.copyOf(allow);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  int status() {
    return status;
  }

  /** The methods the path accepts, for a 405's {@code Allow} header. */
  List<String> allow() {
    return allow;
  }
}
