package io.sentrascan.functions.notify;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.sentrascan.events.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per log line, as the scan function writes them. Callers pass ids, verdicts,
 * status codes and reasons only: never the webhook URL, which is a credential.
 */
final class NotifierLog {
  private final LambdaLogger logger;

  NotifierLog(LambdaLogger logger) {
    this.logger = logger;
  }

  void info(String message, Object... fields) {
    log("INFO", message, fields);
  }

  void warn(String message, Object... fields) {
    log("WARN", message, fields);
  }

  void error(String message, Object... fields) {
    log("ERROR", message, fields);
  }

  private void log(String level, String message, Object... fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("level", level);
    line.put("message", message);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      line.put(String.valueOf(fields[i]), fields[i + 1]);
    }
    logger.log(EventJson.write(line) + "\n");
  }
}
