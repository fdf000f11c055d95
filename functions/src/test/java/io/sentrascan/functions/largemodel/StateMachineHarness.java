package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.testing.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Executes the large-model state machine (the committed ASL) with the open-source interpreter
 * aws-local-stepfunctions, run by {@code functions/src/test/node/run-asl.mjs} in a Node.js
 * subprocess, whose Task states call back into this JVM over HTTP: each call is dispatched by its
 * function ARN to a handler instance invoked exactly as the Lambda Java runtime invokes it (a
 * {@link RequestStreamHandler} gets the payload bytes; a {@link RequestHandler} gets it mapped to
 * its input type), and an uncaught exception becomes a Lambda error whose {@code errorType} is the
 * exception's fully qualified class name, as the Java runtime reports it.
 *
 * <p>As in Lambda, concurrent invocations of one function run in separate instances: an idle
 * instance is reused, otherwise the function's factory makes a new one.
 *
 * <p>The script's own comment says what it emulates (the Distributed Map's ItemReader and
 * ItemBatcher); the ItemReader's S3 read comes back here and is served from the local S3 server.
 */
final class StateMachineHarness implements AutoCloseable {
  /** Where the build installs the interpreter ({@code npm ci} in process-test-resources). */
  static final String NODE_PROJECT = ".ci/node";

  static final String INTERPRETER = NODE_PROJECT + "/node_modules/aws-local-stepfunctions";
  static final String RUNNER = "functions/src/test/node/run-asl.mjs";
  static final String DEFINITION =
      "events/src/main/resources/statemachine/large-model-scan.asl.json";
  static final String INSTALL =
      "run the functions build (npm ci in .ci/node), or: npm ci --prefix .ci/node";

  private static final AtomicLong RUNS = new AtomicLong();

  /** One Task invocation as received, with what the function answered. */
  record Invocation(String state, String function, JsonNode payload, String errorType) {
    boolean failed() {
      return errorType != null;
    }
  }

  /** The execution's outcome as the interpreter reported it. */
  record Execution(
      String status, JsonNode output, String error, String cause, List<JsonNode> events) {
    boolean succeeded() {
      return "SUCCEEDED".equals(status);
    }

    /** The interpreter's StateRetried events for a state (child states are "Map[i]/State"). */
    long retries(String state) {
      return events.stream()
          .filter(e -> e.path("type").asText().equals("StateRetried"))
          .filter(e -> e.path("state").asText().replaceFirst("^.*/", "").equals(state))
          .count();
    }
  }

  private final Path repoRoot;
  private final String node;
  private final S3Client s3;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Supplier<?>> factories = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<Object>> idle = new ConcurrentHashMap<>();
  private final List<Invocation> invocations = new ArrayList<>();
  private long retryPauseMs;

  /**
   * A harness whose ItemReader reads go to {@code s3}.
   *
   * @param s3 the client for the local S3 server
   */
  StateMachineHarness(S3Client s3) throws IOException {
    this(Paths.get(System.getProperty("sentrascan.repoRoot", "..")).toAbsolutePath(), "node", s3);
  }

  /** A harness for another checkout or Node.js executable, for tests of the harness itself. */
  StateMachineHarness(Path repoRoot, String node, S3Client s3) throws IOException {
    this.repoRoot = repoRoot;
    this.node = node;
    this.s3 = s3;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/invoke", this::invoke);
    server.createContext("/s3/getObject", this::getObject);
    server.start();
  }

  /** The ARN the state machine is given for a placeholder, for example {@code PlanFunctionArn}. */
  static String functionArn(String placeholder) {
    return "arn:aws:lambda:eu-west-1:111122223333:function:sentrascan-"
        + placeholder.replace("FunctionArn", "").toLowerCase(java.util.Locale.ROOT)
        + ":live";
  }

  /**
   * The function for a placeholder of the definition: every invocation runs on an instance from
   * {@code factory} (a {@link RequestStreamHandler} or a {@link RequestHandler}).
   */
  StateMachineHarness function(String placeholder, Supplier<?> factory) {
    factories.put(functionArn(placeholder), factory);
    return this;
  }

  /**
   * Retries pause this long instead of their backoff (the interpreter's retry interval override):
   * tests do not sleep through 2, 4, 8 … seconds. Default 0.
   */
  StateMachineHarness retryPauseMs(long ms) {
    this.retryPauseMs = ms;
    return this;
  }

  /** Every Task invocation so far, in arrival order. */
  synchronized List<Invocation> invocations() {
    return List.copyOf(invocations);
  }

  /** Invocations of one Task state. */
  List<Invocation> invocations(String state) {
    return invocations().stream().filter(i -> i.state().equals(state)).toList();
  }

  synchronized void clearInvocations() {
    invocations.clear();
  }

  /** Runs one execution of the committed definition to its end. */
  Execution run(JsonNode input) throws IOException, InterruptedException {
    return run(definition(repoRoot), input);
  }

  /**
   * The definition the tests execute: the committed one, or the file named by the system property
   * {@code sentrascan.asl} (for example a definition freshly synthesized by the CDK app: {@code mvn
   * -pl functions test -Dsentrascan.asl=/path/to/definition.json}).
   */
  static Path definition(Path repoRoot) {
    String other = System.getProperty("sentrascan.asl");
    return other == null || other.isBlank()
        ? repoRoot.resolve(DEFINITION)
        : Paths.get(other).toAbsolutePath();
  }

  /** Runs one execution of {@code definition} to its end. */
  Execution run(Path definition, JsonNode input) throws IOException, InterruptedException {
    Path interpreter = repoRoot.resolve(INTERPRETER);
    if (!Files.isDirectory(interpreter)) {
      throw new IllegalStateException(
          "aws-local-stepfunctions is not installed at " + interpreter + ": " + INSTALL);
    }
    Path work = repoRoot.resolve("functions/target/asl-runs");
    Files.createDirectories(work);
    long run = RUNS.incrementAndGet();
    String name = "run-" + ProcessHandle.current().pid() + "-" + run;
    Path config = work.resolve(name + ".config.json");
    ObjectNode cfg = JsonNodeFactory.instance.objectNode();
    cfg.put("nodeModules", repoRoot.resolve(NODE_PROJECT).toString());
    cfg.put("definition", definition.toAbsolutePath().toString());
    ObjectNode substitutions = cfg.putObject("substitutions");
    for (String placeholder :
        List.of("PlanFunctionArn", "ScanChunkFunctionArn", "AggregateFunctionArn")) {
      substitutions.put(placeholder, functionArn(placeholder));
    }
    cfg.put("callback", endpoint().toString());
    cfg.set("input", input);
    cfg.put("retryPauseMs", retryPauseMs);
    Files.writeString(config, cfg.toString());
    Path stderr = work.resolve(name + ".stderr");
    // Kept beside the config, with the interpreter's events, for reading a failed test.
    Path stdout = work.resolve(name + ".out.json");

    Process process;
    try {
      process =
          new ProcessBuilder(node, repoRoot.resolve(RUNNER).toString(), config.toString())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run "
              + node
              + ": Node.js (20 or newer) must be on the PATH to execute the state machine with"
              + " aws-local-stepfunctions",
          e);
    }
    process.getOutputStream().close();
    // A guard against a hung interpreter, not a timing assertion.
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the interpreter did not finish; see " + stderr);
    }
    byte[] out = Files.readAllBytes(stdout);
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0 || text.isEmpty()) {
      throw new IllegalStateException(
          "run-asl.mjs exited with "
              + process.exitValue()
              + ": "
              + Files.readString(stderr, StandardCharsets.UTF_8).strip());
    }
    JsonNode result = EventJson.tree(text.substring(text.lastIndexOf('\n') + 1));
    List<JsonNode> events = new ArrayList<>();
    result.path("events").forEach(events::add);
    return new Execution(
        result.path("status").asText(),
        result.get("output"),
        result.hasNonNull("error") ? result.get("error").asText() : null,
        result.hasNonNull("cause") ? result.get("cause").asText() : null,
        List.copyOf(events));
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void invoke(HttpExchange exchange) throws IOException {
    JsonNode call = EventJson.tree(new String(exchange.getRequestBody().readAllBytes(), UTF8));
    String state = call.path("state").asText();
    String function = call.path("resource").asText();
    JsonNode payload = call.path("payload");
    Supplier<?> factory = factories.get(function);
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    String errorType = null;
    if (factory == null) {
      // What Lambda answers for a function that does not exist.
      errorType = "Lambda.ResourceNotFoundException";
      answer.put("ok", false);
      answer
          .putObject("error")
          .put("errorType", errorType)
          .put("errorMessage", "Function not found: " + function);
    } else {
      Object handler = take(function, factory);
      try {
        JsonNode result = call(handler, payload);
        answer.put("ok", true);
        answer.set("payload", result);
      } catch (Exception e) { // what the Lambda runtime turns into an error response
        errorType = e.getClass().getName();
        answer.put("ok", false);
        answer.set("error", lambdaError(e));
      } finally {
        idle.get(function).push(handler);
      }
    }
    synchronized (this) {
      invocations.add(new Invocation(state, function, payload, errorType));
    }
    byte[] body = answer.toString().getBytes(UTF8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private Object take(String function, Supplier<?> factory) {
    Object handler = idle.computeIfAbsent(function, f -> new ConcurrentLinkedDeque<>()).poll();
    return handler != null ? handler : factory.get();
  }

  /** Invokes a handler the way the Lambda Java runtime does, and returns its JSON answer. */
  private static JsonNode call(Object handler, JsonNode payload) throws Exception {
    Context context = new TestLambdaContext();
    byte[] in = EventJson.write(payload).getBytes(UTF8);
    if (handler instanceof RequestStreamHandler stream) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      stream.handleRequest(new ByteArrayInputStream(in), out, context);
      String text = out.toString(UTF8);
      return text.isBlank() ? JsonNodeFactory.instance.nullNode() : EventJson.tree(text);
    }
    if (handler instanceof RequestHandler<?, ?> request) {
      return EventJson.toTree(callTyped(request, payload, context));
    }
    throw new IllegalArgumentException(handler.getClass() + " is not a Lambda handler");
  }

  @SuppressWarnings("unchecked") // the input type is read from the handler's own declaration
  private static <I> Object callTyped(
      RequestHandler<I, ?> handler, JsonNode payload, Context context) throws IOException {
    Class<I> type = (Class<I>) inputType(handler.getClass());
    return handler.handleRequest(EventJson.convert(payload, type), context);
  }

  private static Class<?> inputType(Class<?> handlerClass) {
    for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
          Type input = p.getActualTypeArguments()[0];
          if (input instanceof Class<?> cls) {
            return cls;
          }
          if (input instanceof ParameterizedType pi) {
            return (Class<?>) pi.getRawType();
          }
        }
      }
    }
    return Object.class;
  }

  /** The error document the Lambda Java runtime returns for an uncaught exception. */
  private static ObjectNode lambdaError(Throwable e) {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    // As the runtime's UserFault: the message, or the class name when there is none.
    error.put(
        "errorMessage", e.getLocalizedMessage() == null ? e.getClass().getName() : e.getMessage());
    error.put("errorType", e.getClass().getName());
    ArrayNode trace = error.putArray("stackTrace");
    StackTraceElement[] frames = e.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 8); i++) {
      trace.add(frames[i].toString());
    }
    if (e.getCause() != null && e.getCause() != e) {
      error.set("cause", lambdaError(e.getCause()));
    }
    return error;
  }

  private void getObject(HttpExchange exchange) throws IOException {
    JsonNode params = EventJson.tree(new String(exchange.getRequestBody().readAllBytes(), UTF8));
    byte[] body;
    int status;
    try {
      body =
          s3.getObjectAsBytes(
                  b -> b.bucket(params.path("Bucket").asText()).key(params.path("Key").asText()))
              .asByteArray();
      status = 200;
    } catch (RuntimeException e) { // reported to the interpreter as States.ItemReaderFailed
      body = String.valueOf(e.getMessage()).getBytes(UTF8);
      status = 500;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
