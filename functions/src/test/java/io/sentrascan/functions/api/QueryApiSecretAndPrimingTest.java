package io.sentrascan.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.SecretsManagerServer;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page-token key from Secrets Manager, read on the first request that signs or verifies a token
 * (never at init or while priming for a SnapStart snapshot), and the priming itself.
 */
class QueryApiSecretAndPrimingTest extends QueryApiTestBase {
  static final String ARN =
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sentrascan/page-token-AbCdEf";
  static final String SECRET = "Zq3v8XkP2mWb7RtY1nLc5HsJ9dFgA4eUo6iKpQx0TzVwMyBr";

  /** Nothing listens here: a DynamoDB, S3 or Secrets Manager call would fail. */
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

  private SecretsManagerServer secrets;

  @BeforeEach
  void startSecrets() throws Exception {
    secrets = new SecretsManagerServer(ARN, SECRET);
  }

  @AfterEach
  void stopSecrets() {
    secrets.close();
  }

  private QueryApiHandler withSecret() {
    return new QueryApiHandler(
        s3,
        dynamoDb,
        secrets.client(),
        new ApiConfig(table, RESULTS, SBOMS, null, true, ARN),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void theKeyIsReadOnceOnTheFirstPageTokenAndNotAtInitOrForRequestsWithoutOne() throws Exception {
    scan("a.pkl", sample("benign/state_dict.pt"));
    scan("b.pkl", sample("benign/state_dict.pt"));
    scan("c.pkl", sample("benign/state_dict.pt"));
    QueryApiHandler api = withSecret();
    assertThat(secrets.requests()).isEmpty();

    assertThat(call(api, "GET", "/health", null, null).status()).isEqualTo(200);
    assertThat(call(api, "GET", "/scans", Map.of("limit", "100"), null).json().get("scans"))
        .hasSize(3);
    assertThat(secrets.requests()).as("no token signed or read yet").isEmpty();
    assertThat(api.pageTokenKeyLoaded()).isFalse();

    Answer first = call(api, "GET", "/scans", Map.of("limit", "1"), null);
    String token = first.json().get("nextToken").asText();
    Answer second = call(api, "GET", "/scans", Map.of("limit", "1", "nextToken", token), null);
    Answer third =
        call(
            api,
            "GET",
            "/scans",
            Map.of("limit", "1", "nextToken", second.json().get("nextToken").asText()),
            null);

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    assertThat(third.json().get("scans")).hasSize(1);
    assertThat(secrets.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.target()).isEqualTo("secretsmanager.GetSecretValue");
              assertThat(r.body().get("SecretId").asText()).isEqualTo(ARN);
              assertThat(r.authorization()).startsWith("AWS4-HMAC-SHA256");
            });
    // The token is signed with the secret's key: a handler with another key refuses it.
    assertThat(
            call(api(), "GET", "/scans", Map.of("limit", "1", "nextToken", token), null).status())
        .isEqualTo(400);
    // A checkpoint drops the key; the next token after the restore reads it again.
    api.beforeCheckpoint(null);
    assertThat(api.pageTokenKeyLoaded()).isFalse();
    assertThat(call(api, "GET", "/scans", Map.of("limit", "1", "nextToken", token), null).status())
        .isEqualTo(200);
    assertThat(secrets.requests()).hasSize(2);
  }

  @Test
  void aSecretTooShortIsA500ThatNamesNeitherTheSecretValueNorTheTable() throws Exception {
    scan("a.pkl", sample("benign/state_dict.pt"));
    scan("b.pkl", sample("benign/state_dict.pt"));
    secrets.secretString("short-key");

    Answer answer = call(withSecret(), "GET", "/scans", Map.of("limit", "1"), null);

    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).doesNotContain("short-key").doesNotContain(table);
  }

  @Test
  void primingAnswersCannedRequestsWithoutAnyNetworkCallAndReadsNoSecret() {
    QueryApiHandler api =
        new QueryApiHandler(
            AwsTestClients.s3(NOWHERE),
            AwsTestClients.dynamoDb(NOWHERE),
            secrets.client(),
            new ApiConfig("table", "results", "sboms", null, true, ARN),
            Clock.systemUTC());

    // health, a bad id, a bad digest, a wrong method, no route, a BOM comparison, not an event
    assertThat(api.prime()).containsExactly(200, 400, 400, 405, 404, 200, 400);
    api.beforeCheckpoint(null);
    api.afterRestore(null);

    assertThat(secrets.requests()).isEmpty();
    assertThat(api.pageTokenKeyLoaded()).isFalse();
  }

  @Test
  void theSecretArnComesFromTheEnvironmentAndAPlainKeyStillWorksForLocalRuns() {
    ApiConfig deployed =
        ApiConfig.fromEnvironment(
            Map.of(
                "TABLE_NAME",
                "t",
                "RESULTS_BUCKET",
                "r",
                "PAGE_TOKEN_SECRET_ARN",
                ARN,
                "PAGE_TOKEN_KEY",
                TOKEN_KEY));
    ApiConfig local =
        ApiConfig.fromEnvironment(
            Map.of("TABLE_NAME", "t", "RESULTS_BUCKET", "r", "PAGE_TOKEN_KEY", TOKEN_KEY));

    assertThat(deployed.pageTokenSecretArn()).isEqualTo(ARN);
    assertThat(deployed.pageTokenKey()).isNull();
    assertThat(deployed.toString()).doesNotContain(TOKEN_KEY);
    assertThat(local.pageTokenSecretArn()).isNull();
    assertThat(local.pageTokenKey()).isEqualTo(TOKEN_KEY);
    assertThat(local.toString()).doesNotContain(TOKEN_KEY);
    assertThatThrownBy(
            () -> ApiConfig.fromEnvironment(Map.of("TABLE_NAME", "t", "RESULTS_BUCKET", "r")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing environment variables: PAGE_TOKEN_SECRET_ARN (or PAGE_TOKEN_KEY)");
    assertThatThrownBy(
            () ->
                ApiConfig.fromEnvironment(
                    Map.of("TABLE_NAME", "t", "RESULTS_BUCKET", "r", "PAGE_TOKEN_KEY", "short")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 32 bytes");
  }
}
