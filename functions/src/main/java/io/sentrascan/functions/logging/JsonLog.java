package io.sentrascan.functions.logging;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.sentrascan.events.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per log line for every function, so that CloudWatch Logs Insights can filter on
 * level, scan id and object. Callers pass ids, names, status codes and reasons only: never
 * credentials (the Slack webhook URL is one) and never object content.
 */
public final class JsonLog {
  private final LambdaLogger logger;

  public JsonLog(LambdaLogger logger) {
    this.logger = logger;
  }

  public void info(String message, Object... fields) {
    log("INFO", message, fields);
  }

  public void warn(String message, Object... fields) {
    log("WARN", message, fields);
  }

  public void error(String message, Object... fields) {
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
