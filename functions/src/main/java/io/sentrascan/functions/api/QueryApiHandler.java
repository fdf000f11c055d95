package io.sentrascan.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.ApiGatewayProxyRequest;
import io.sentrascan.events.ApiGatewayProxyResponse;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.functions.scan.AwsClients;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.scanner.sbom.BomContents;
import io.sentrascan.scanner.sbom.BomDiff;
import io.sentrascan.scanner.sbom.InvalidBomException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crac.Core;
import org.crac.Resource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The query API behind an API Gateway REST API proxy integration ({@code ANY /{proxy+}}): scans by
 * filter, id and content digest, their findings and ML-BOMs, BOM comparison and statistics. See the
 * README ("Serverless pipeline") for the routes.
 *
 * <p>A stream handler over our own {@link ApiGatewayProxyRequest} record rather than {@code
 * aws-lambda-java-events}: the function reads ten fields of the event, the contract and its samples
 * live in {@code events} with the others, and the jar does not grow by that library and joda-time.
 *
 * <p>Every answer is JSON (the SBOM route answers CycloneDX JSON). A bad request gets a 4xx whose
 * message says what to change; anything else a 500 that names only the request id, while the log
 * line has the detail: no table, bucket or exception class names reach a client.
 */
public final class QueryApiHandler implements RequestStreamHandler, Resource {
  /** Larger {@code POST /sboms/compare} bodies are refused with 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  static final int DEFAULT_PAGE_SIZE = 25;
  static final int MAX_PAGE_SIZE = 100;

  /** {@code GET /scans} looks back this far unless told otherwise, and never further than max. */
  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  static final Duration MAX_WINDOW = Duration.ofDays(366);

  /** {@code GET /stats} defaults and bounds. */
  static final Duration DEFAULT_STATS_WINDOW = Duration.ofDays(7);

  static final Duration MAX_STATS_WINDOW = Duration.ofDays(92);
  static final int MAX_STATS_ITEMS = 10_000;

  /** DynamoDB queries one page of {@code GET /scans} may make before it returns a token. */
  static final int MAX_QUERIES_PER_PAGE = 12;

  private static final Pattern SCAN_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SCAN_PATH = Pattern.compile("/scans/([^/]+)(/findings|/sbom)?");
  private static final Pattern DIGEST_PATH = Pattern.compile("/scans/by-digest/([^/]+)");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> GET = List.of("GET");
  private static final List<String> POST = List.of("POST");

  private final ScanQueries queries;
  private final PageTokenKey tokenKey;
  private final Clock clock;

  /**
   * The Lambda entry point: configuration from the environment, default SDK clients (built here,
   * before a SnapStart snapshot; they resolve credentials on first use), registered for the
   * checkpoint hook that primes the request path.
   */
  public QueryApiHandler() {
    this(ApiConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  private QueryApiHandler(ApiConfig config) {
    this(
        AwsClients.s3(config.s3PathStyle()),
        AwsClients.dynamoDb(),
        config.pageTokenSecretArn() == null ? null : AwsClients.secretsManager(),
        config,
        Clock.systemUTC());
  }

  /** The test seam for a configuration that gives the page-token key directly. */
  public QueryApiHandler(S3Client s3, DynamoDbClient dynamoDb, ApiConfig config, Clock clock) {
    this(s3, dynamoDb, null, config, clock);
  }

  /**
   * The test seam: every collaborator given; {@code secrets} reads the page-token key when the
   * configuration names a secret.
   */
  public QueryApiHandler(
      S3Client s3,
      DynamoDbClient dynamoDb,
      @Nullable SecretsManagerClient secrets,
      ApiConfig config,
      Clock clock) {
    this.queries = new ScanQueries(dynamoDb, s3, config);
    String secretArn = config.pageTokenSecretArn();
    if (secretArn != null) {
      if (secrets == null) {
        throw new IllegalArgumentException("a Secrets Manager client is needed for " + secretArn);
      }
      this.tokenKey = PageTokenKey.fromSecret(secrets, secretArn);
    } else {
      this.tokenKey = PageTokenKey.fixed(Objects.requireNonNull(config.pageTokenKey()));
    }
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ApiGatewayProxyResponse response =
        answer(
            new String(input.readAllBytes(), StandardCharsets.UTF_8),
            context.getAwsRequestId(),
            new JsonLog(context.getLogger()));
    output.write(EventJson.write(response).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }

  /** One request in, one response out; nothing escapes as an exception. */
  private ApiGatewayProxyResponse answer(String event, String invocationId, JsonLog log) {
    String requestId = invocationId;
    ApiGatewayProxyResponse response;
    try {
      ApiGatewayProxyRequest request;
      try {
        request = EventJson.read(event, ApiGatewayProxyRequest.class);
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest("not an API Gateway proxy request");
      }
      if (request.requestContext() != null && request.requestContext().requestId() != null) {
        requestId = request.requestContext().requestId();
      }
      response = route(request);
      log.info(
          "answered",
          "method",
          request.httpMethod(),
          "path",
          request.path(),
          "status",
          response.statusCode(),
          "requestId",
          requestId);
    } catch (ApiException e) {
      log.info("refused", "status", e.status(), "message", e.getMessage(), "requestId", requestId);
      response = error(e.status(), e.getMessage(), requestId, e.allow());
    } catch (RuntimeException e) {
      log.error("request failed", "error", e.toString(), "requestId", requestId);
      response =
          error(
              500,
              "internal error; quote request id " + requestId + " when reporting it",
              requestId,
              List.of());
    }
    return response;
  }

  // ---- SnapStart ------------------------------------------------------------------------------

  /** Signs priming page tokens only; never a key that serves requests. */
  private static final byte[] PRIMING_KEY =
      "sentrascan priming key: signs nothing real".getBytes(StandardCharsets.UTF_8);

  /**
   * Runs canned requests through the whole request path that needs no network: event and response
   * JSON, routing, parameter checks, error answers, the BOM comparison and the page-token HMAC
   * (with a fixed priming key, not the real one, which is not read). Nothing random, no credential
   * and no secret is made or kept; the answers are discarded.
   *
   * @return the status codes of the canned requests, in order
   */
  List<Integer> prime() {
    JsonLog silent = new JsonLog(SILENT);
    List<Integer> statuses = new ArrayList<>();
    for (String event : PrimingRequests.all()) {
      ApiGatewayProxyResponse r = answer(event, "priming", silent);
      EventJson.write(r);
      statuses.add(r.statusCode());
    }
    PageTokens primingTokens = new PageTokens(PRIMING_KEY);
    ObjectNode state = JSON.objectNode();
    state.put("i", 0);
    primingTokens.verify(primingTokens.sign(state));
    return statuses;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    tokenKey.forget();
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: the page-token key is read on the first request that needs it.
  }

  /** Whether the page-token key has been read (tests: never at init or priming). */
  boolean pageTokenKeyLoaded() {
    return tokenKey.loaded();
  }

  private static final LambdaLogger SILENT =
      new LambdaLogger() {
        @Override
        public void log(String message) {}

        @Override
        public void log(byte[] message) {}
      };

  private ApiGatewayProxyResponse route(ApiGatewayProxyRequest request) {
    String path = request.path() == null ? "/" : request.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = request.httpMethod() == null ? "" : request.httpMethod();
    Map<String, String> params =
        request.queryStringParameters() == null ? Map.of() : request.queryStringParameters();
    List<String> methods =
        switch (path) {
          case "/health", "/scans", "/stats" -> GET;
          case "/sboms/compare" -> POST;
          default -> List.of();
        };
    if (!methods.isEmpty()) {
      allow(method, methods);
      return switch (path) {
        case "/health" -> json(200, JSON.objectNode().put("status", "ok"));
        case "/scans" -> json(200, listScans(params));
        case "/stats" -> json(200, stats(params));
        default -> json(200, compare(request));
      };
    }
    Matcher digest = DIGEST_PATH.matcher(path);
    if (digest.matches()) {
      allow(method, GET);
      return json(200, byDigest(digest.group(1), params));
    }
    Matcher scan = SCAN_PATH.matcher(path);
    if (scan.matches()) {
      allow(method, GET);
      String id = scanId(scan.group(1));
      String sub = scan.group(2);
      if (sub == null) {
        return json(200, ScanQueries.view(summary(id)));
      }
      return sub.equals("/findings") ? json(200, findings(id)) : sbom(id);
    }
    throw ApiException.notFound("no route " + truncate(path));
  }

  private static void allow(String method, List<String> allowed) {
    if (!allowed.contains(method)) {
      throw new ApiException(
          405,
          "method " + truncate(method) + " not allowed here; use " + String.join(", ", allowed),
          allowed);
    }
  }

  // ---- GET /scans ----------------------------------------------------------------------------

  private ObjectNode listScans(Map<String, String> params) {
    int limit = intParam(params, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    String token = params.get("nextToken");
    ObjectNode query;
    int index = 0;
    Map<String, AttributeValue> startKey = null;
    if (token != null) {
      ObjectNode state = tokenKey.tokens().verify(token);
      query = (ObjectNode) state.get("q");
      checkSameQuery(query, params);
      index = state.get("i").asInt();
      startKey = new HashMap<>();
      JsonNode k = state.get("k");
      if (k != null) {
        for (Map.Entry<String, JsonNode> e : k.properties()) {
          startKey.put(e.getKey(), AttributeValue.builder().s(e.getValue().asText()).build());
        }
      }
      if (startKey.isEmpty()) {
        startKey = null;
      }
    } else {
      Instant[] window = window(params, DEFAULT_WINDOW, MAX_WINDOW);
      query = JSON.objectNode();
      query.put("verdict", verdictParam(params));
      query.put("bucket", textParam(params, "bucket", 255));
      query.put("keyPrefix", textParam(params, "keyPrefix", 1024));
      query.put("key", textParam(params, "key", 1024));
      if (params.containsKey("key")
          && (!params.containsKey("bucket") || params.containsKey("keyPrefix"))) {
        throw ApiException.badRequest("\"key\" needs \"bucket\", and not \"keyPrefix\"");
      }
      query.put("from", window[0].toString());
      query.put("to", window[1].toString());
    }
    String verdict = nullIfMissing(query.get("verdict"));
    Instant from = Instant.parse(query.get("from").asText());
    Instant to = Instant.parse(query.get("to").asText());
    String bucket = nullIfMissing(query.get("bucket"));
    String key = nullIfMissing(query.get("key"));
    // One object's scans are one partition of byObject; anything else walks byVerdict.
    List<String> partitions =
        key != null && bucket != null
            ? List.of(ScanTableDesign.objectPartition(bucket, key))
            : ScanQueries.verdictPartitions(
                verdict == null ? ScanQueries.VERDICTS : List.of(verdict), from, to);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    int calls = 0;
    while (index < partitions.size() && items.size() < limit && calls < MAX_QUERIES_PER_PAGE) {
      QueryResponse page =
          key != null && bucket != null
              ? queries.objectPage(bucket, key, verdict, from, to, limit - items.size(), startKey)
              : queries.verdictPage(
                  partitions.get(index),
                  from,
                  to,
                  bucket,
                  nullIfMissing(query.get("keyPrefix")),
                  limit - items.size(),
                  startKey,
                  null);
      calls++;
      items.addAll(page.items());
      if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
        startKey = page.lastEvaluatedKey();
      } else {
        index++;
        startKey = null;
      }
    }
    ObjectNode out = JSON.objectNode();
    ArrayNode scans = out.putArray("scans");
    items.forEach(i -> scans.add(ScanQueries.view(i)));
    if (index < partitions.size()) {
      ObjectNode state = JSON.objectNode();
      state.set("q", query);
      state.put("i", index);
      if (startKey != null) {
        ObjectNode k = state.putObject("k");
        startKey.forEach((name, v) -> k.put(name, v.s()));
      }
      out.put("nextToken", tokenKey.tokens().sign(state));
    } else {
      out.putNull("nextToken");
    }
    return out;
  }

  /** A token continues the query it came from: other filters with it are a mistake. */
  private void checkSameQuery(ObjectNode query, Map<String, String> params) {
    String verdict = params.containsKey("verdict") ? verdictParam(params) : null;
    boolean differs =
        (verdict != null && !verdict.equals(nullIfMissing(query.get("verdict"))))
            || differs(params, "bucket", query)
            || differs(params, "keyPrefix", query)
            || differs(params, "key", query);
    if (!differs && (params.containsKey("from") || params.containsKey("to"))) {
      Instant[] window = window(params, DEFAULT_WINDOW, MAX_WINDOW);
      differs =
          (params.containsKey("from") && !window[0].toString().equals(query.get("from").asText()))
              || (params.containsKey("to")
                  && !window[1].toString().equals(query.get("to").asText()));
    }
    if (differs) {
      throw ApiException.badRequest(
          "nextToken belongs to a different query: repeat the filters of the first page, or leave"
              + " them out");
    }
  }

  private static boolean differs(Map<String, String> params, String name, ObjectNode query) {
    return params.containsKey(name)
        && !Objects.equals(params.get(name), nullIfMissing(query.get(name)));
  }

  // ---- GET /scans/{id}, /findings, /sbom, /by-digest -------------------------------------------

  private Map<String, AttributeValue> summary(String id) {
    return queries.summary(id).orElseThrow(() -> ApiException.notFound("no scan with id " + id));
  }

  private ObjectNode findings(String id) {
    Map<String, AttributeValue> summary = summary(id);
    ObjectNode out = JSON.objectNode();
    out.put("scanId", id);
    out.put("verdict", ScanQueries.str(summary, "verdict"));
    out.put("reason", ScanQueries.str(summary, "reason"));
    boolean hasReport =
        (summary.get("reportInline") != null
                && Boolean.TRUE.equals(summary.get("reportInline").bool()))
            || summary.get("reportLocation") != null;
    if (!hasReport) {
      // The object could not be read: there is no report, and no finding.
      out.putArray("findings");
      return out;
    }
    String report =
        queries
            .report(summary)
            .orElseThrow(
                () -> ApiException.notFound("the report of scan " + id + " is no longer stored"));
    try {
      out.set("findings", ScanQueries.findings(EventJson.tree(report)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored report of scan " + id + " is not JSON", e);
    }
    return out;
  }

  private ApiGatewayProxyResponse sbom(String id) {
    Map<String, AttributeValue> summary = summary(id);
    if (summary.get("sbomLocation") == null) {
      throw ApiException.notFound(
          "scan " + id + " has no SBOM: the object could not be read when it was scanned");
    }
    byte[] bom =
        queries
            .sbom(summary)
            .orElseThrow(
                () -> ApiException.notFound("the SBOM of scan " + id + " is no longer stored"));
    return new ApiGatewayProxyResponse(
        200,
        headers("application/vnd.cyclonedx+json; version=1.6"),
        new String(bom, StandardCharsets.UTF_8),
        false);
  }

  private ObjectNode byDigest(String raw, Map<String, String> params) {
    String sha256 = raw.toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(sha256).matches()) {
      throw ApiException.badRequest("a SHA-256 digest is 64 hexadecimal characters");
    }
    int limit = intParam(params, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    ObjectNode out = JSON.objectNode();
    out.put("sha256", sha256);
    ArrayNode scans = out.putArray("scans");
    queries.byDigest(sha256, limit).forEach(i -> scans.add(ScanQueries.view(i)));
    return out;
  }

  // ---- POST /sboms/compare --------------------------------------------------------------------

  private JsonNode compare(ApiGatewayProxyRequest request) {
    byte[] body = body(request);
    JsonNode tree;
    try {
      tree = EventJson.tree(new String(body, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not JSON");
    }
    if (tree == null || !tree.isObject()) {
      throw ApiException.badRequest(
          "the body is a JSON object: {\"before\": <BOM>, \"after\": <BOM>} or"
              + " {\"beforeScanId\": <id>, \"afterScanId\": <id>}");
    }
    BomContents before;
    BomContents after;
    if (tree.has("before") || tree.has("after")) {
      before = bom(tree.get("before"), "before");
      after = bom(tree.get("after"), "after");
    } else if (tree.has("beforeScanId") || tree.has("afterScanId")) {
      before = bomOfScan(tree.get("beforeScanId"), "beforeScanId");
      after = bomOfScan(tree.get("afterScanId"), "afterScanId");
    } else {
      throw ApiException.badRequest(
          "give two BOMs as \"before\" and \"after\", or two scan ids as \"beforeScanId\" and"
              + " \"afterScanId\"");
    }
    String diff = BomDiff.between(before, after).toJson();
    try {
      return EventJson.tree(diff);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BomDiff writes JSON", e);
    }
  }

  private static byte[] body(ApiGatewayProxyRequest request) {
    String text = request.body();
    if (text == null || text.isEmpty()) {
      throw ApiException.badRequest("the body is empty");
    }
    // Cheap bound before any decoding: a char is at least one byte, base64 is 4 chars per 3.
    if (text.length()
        > (request.isBase64Encoded() ? (MAX_BODY_BYTES / 3 + 1) * 4 : MAX_BODY_BYTES)) {
      throw tooLarge();
    }
    byte[] bytes;
    if (request.isBase64Encoded()) {
      try {
        bytes = Base64.getMimeDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("the body is marked base64 but is not");
      }
    } else {
      bytes = text.getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    return bytes;
  }

  private static ApiException tooLarge() {
    return new ApiException(
        413,
        "the body is over "
            + MAX_BODY_BYTES
            + " bytes; compare large BOMs by scan id (beforeScanId, afterScanId)");
  }

  private static BomContents bom(@Nullable JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("\"" + name + "\" must be a CycloneDX BOM (a JSON object)");
    }
    try {
      return BomContents.parse(node.toString().getBytes(StandardCharsets.UTF_8));
    } catch (InvalidBomException e) {
      throw ApiException.badRequest("\"" + name + "\" is not a valid CycloneDX BOM");
    }
  }

  private BomContents bomOfScan(@Nullable JsonNode node, String name) {
    if (node == null || !node.isTextual()) {
      throw ApiException.badRequest("\"" + name + "\" must be a scan id");
    }
    String id = scanId(node.asText());
    Map<String, AttributeValue> summary = summary(id);
    byte[] bom =
        queries
            .sbom(summary)
            .orElseThrow(() -> ApiException.notFound("scan " + id + " has no stored SBOM"));
    try {
      return BomContents.parse(bom);
    } catch (InvalidBomException e) {
      throw new IllegalStateException("stored SBOM of scan " + id + " does not parse", e);
    }
  }

  // ---- GET /stats -----------------------------------------------------------------------------

  private ObjectNode stats(Map<String, String> params) {
    Instant[] window = window(params, DEFAULT_STATS_WINDOW, MAX_STATS_WINDOW);
    Map<String, Integer> byVerdict = new LinkedHashMap<>();
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    for (String sev : new String[] {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}) {
      bySeverity.put(sev, 0L);
    }
    int seen = 0;
    boolean truncated = false;
    for (String verdict : ScanQueries.VERDICTS) {
      byVerdict.put(verdict, 0);
      for (String partition :
          ScanQueries.verdictPartitions(List.of(verdict), window[0], window[1])) {
        Map<String, AttributeValue> startKey = null;
        do {
          if (seen >= MAX_STATS_ITEMS) {
            truncated = true;
            break;
          }
          QueryResponse page =
              queries.verdictPage(
                  partition,
                  window[0],
                  window[1],
                  null,
                  null,
                  Math.min(1000, MAX_STATS_ITEMS - seen),
                  startKey,
                  "#v, #c");
          for (Map<String, AttributeValue> item : page.items()) {
            seen++;
            byVerdict.merge(verdict, 1, Integer::sum);
            ScanQueries.counts(item)
                .forEach((sev, n) -> bySeverity.merge(sev, (long) n, Long::sum));
          }
          startKey =
              page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                  ? page.lastEvaluatedKey()
                  : null;
        } while (startKey != null);
      }
    }
    ObjectNode out = JSON.objectNode();
    out.put("from", window[0].toString());
    out.put("to", window[1].toString());
    out.put("scans", seen);
    ObjectNode v = out.putObject("byVerdict");
    byVerdict.forEach(v::put);
    ObjectNode s = out.putObject("findingsBySeverity");
    bySeverity.forEach(s::put);
    out.put("truncated", truncated);
    return out;
  }

  // ---- parameters -----------------------------------------------------------------------------

  private Instant[] window(Map<String, String> params, Duration byDefault, Duration max) {
    Instant to = params.containsKey("to") ? instant(params, "to") : clock.instant();
    Instant from = params.containsKey("from") ? instant(params, "from") : to.minus(byDefault);
    if (from.isAfter(to)) {
      throw ApiException.badRequest("\"from\" is after \"to\"");
    }
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw ApiException.badRequest(
          "the time range is longer than " + max.toDays() + " days; narrow \"from\" and \"to\"");
    }
    return new Instant[] {from, to};
  }

  private static Instant instant(Map<String, String> params, String name) {
    try {
      return Instant.parse(params.get(name));
    } catch (DateTimeException e) {
      throw ApiException.badRequest(
          "\"" + name + "\" is an ISO-8601 UTC time, such as 2026-11-27T03:00:00Z");
    }
  }

  private static @Nullable String verdictParam(Map<String, String> params) {
    String v = params.get("verdict");
    if (v == null) {
      return null;
    }
    String upper = v.toUpperCase(Locale.ROOT);
    if (!ScanQueries.VERDICTS.contains(upper)) {
      throw ApiException.badRequest("\"verdict\" is one of PASS, FAIL, ERROR");
    }
    return upper;
  }

  private static @Nullable String textParam(Map<String, String> params, String name, int max) {
    String v = params.get(name);
    if (v == null) {
      return null;
    }
    if (v.isEmpty() || v.length() > max) {
      throw ApiException.badRequest("\"" + name + "\" is 1 to " + max + " characters");
    }
    return v;
  }

  private static int intParam(
      Map<String, String> params, String name, int byDefault, int min, int max) {
    String v = params.get(name);
    if (v == null) {
      return byDefault;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("\"" + name + "\" is a whole number from " + min + " to " + max);
  }

  private static String scanId(String raw) {
    String id = raw.toLowerCase(Locale.ROOT);
    if (!SCAN_ID.matcher(id).matches()) {
      throw ApiException.badRequest(
          "a scan id is a UUID, such as 0d3c4a6e-5b1f-3c2d-9e8f-7a6b5c4d3e2f");
    }
    return id;
  }

  private static @Nullable String nullIfMissing(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static String truncate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  // ---- responses ------------------------------------------------------------------------------

  private static ApiGatewayProxyResponse json(int status, JsonNode body) {
    return new ApiGatewayProxyResponse(status, headers("application/json"), body.toString(), false);
  }

  private static ApiGatewayProxyResponse error(
      int status, String message, @Nullable String requestId, List<String> allow) {
    ObjectNode body = JSON.objectNode();
    body.put("status", status);
    body.put("message", message);
    body.put("requestId", requestId);
    Map<String, String> headers = new LinkedHashMap<>(headers("application/json"));
    if (!allow.isEmpty()) {
      headers.put("Allow", String.join(", ", allow));
    }
    return new ApiGatewayProxyResponse(status, headers, body.toString(), false);
  }

  private static Map<String, String> headers(String contentType) {
    return Map.of(
        "Content-Type", contentType,
        "Cache-Control", "no-store",
        "X-Content-Type-Options", "nosniff");
  }
}
