package io.sentrascan.functions.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Lambda context whose logger keeps every line, so tests can check what an operator would see.
 */
public final class TestLambdaContext implements Context {
  private final List<String> lines = new ArrayList<>();
  private final LambdaLogger logger =
      new LambdaLogger() {
        @Override
        public void log(String message) {
          synchronized (lines) {
            lines.add(message.strip());
          }
        }

        @Override
        public void log(byte[] message) {
          log(new String(message, StandardCharsets.UTF_8));
        }
      };

  public List<String> logLines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public String getAwsRequestId() {
    return "test-request-id";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/scan-object";
  }

  @Override
  public String getLogStreamName() {
    return "test";
  }

  @Override
  public String getFunctionName() {
    return "scan-object";
  }

  @Override
  public String getFunctionVersion() {
    return "1";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:eu-west-1:111122223333:function:scan-object";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return 60_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }
}
