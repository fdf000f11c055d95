package io.sentrascan.cdk;

import static io.sentrascan.cdk.PipelineTemplateTest.onlyId;
import static io.sentrascan.cdk.PipelineTemplateTest.statements;
import static io.sentrascan.cdk.Synthesized.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The query API: IAM on every method, throttled, logged, and a read-only function behind it. */
class QueryApiTemplateTest {
  private static String functionId() {
    return Synthesized.only("AWS::Lambda::Function", Map.of("Handler", QueryApi.HANDLER));
  }

  private static String aliasId() {
    return Synthesized.only(
        "AWS::Lambda::Alias",
        Map.of(
            "FunctionVersion",
            Map.of(
                "Fn::GetAtt",
                List.of(
                    Synthesized.named("AWS::Lambda::Version", "QueryFunctionCurrentVersion"),
                    "Version"))));
  }

  private static String roleId() {
    return Synthesized.only(
        "AWS::IAM::Role", Map.of("Description", "SentraScan query API function"));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> roleStatements() {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String id : Synthesized.ids("AWS::IAM::Policy")) {
      Map<String, Object> p = Synthesized.properties(id);
      if (((List<Object>) p.get("Roles")).contains(Map.of("Ref", roleId()))) {
        all.addAll(statements(p));
      }
    }
    return all;
  }

  private static List<Object> list(Object actionOrResource) {
    return actionOrResource instanceof List<?> l ? List.copyOf(l) : List.of(actionOrResource);
  }

  @Test
  void apiIsRegionalAndEveryMethodRequiresIam() {
    TEMPLATE.hasResourceProperties(
        "AWS::ApiGateway::RestApi",
        Map.of("EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
    List<String> methods = Synthesized.ids("AWS::ApiGateway::Method");
    assertThat(methods).isNotEmpty();
    for (String m : methods) {
      Map<String, Object> p = Synthesized.properties(m);
      assertThat(p.get("AuthorizationType")).as(m).isEqualTo("AWS_IAM");
      assertThat(p).as(m).containsKey("RequestValidatorId");
    }
    TEMPLATE.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{proxy+}"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyMethodInvokesTheAlias() {
    for (String m : Synthesized.ids("AWS::ApiGateway::Method")) {
      Map<String, Object> integration =
          (Map<String, Object>) Synthesized.properties(m).get("Integration");
      assertThat(integration.get("Type")).isEqualTo("AWS_PROXY");
      assertThat(integration.get("Uri").toString()).contains(aliasId());
    }
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler", QueryApi.HANDLER,
            "Runtime", "java21",
            "Architectures", List.of("arm64"),
            "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
            "TracingConfig", Map.of("Mode", "Active"),
            "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void stageIsThrottledTracedAndWritesJsonAccessLogs() {
    Map<String, Object> stage = Synthesized.properties(onlyId("AWS::ApiGateway::Stage"));
    assertThat(stage.get("StageName")).isEqualTo(QueryApi.STAGE);
    assertThat(stage.get("TracingEnabled")).isEqualTo(true);
    assertThat((List<Object>) stage.get("MethodSettings"))
        .contains(
            Map.of(
                "DataTraceEnabled",
                false,
                "HttpMethod",
                "*",
                "ResourcePath",
                "/*",
                "ThrottlingBurstLimit",
                ModelScanPipelineProps.DEFAULT_API_BURST_LIMIT,
                "ThrottlingRateLimit",
                (int) ModelScanPipelineProps.DEFAULT_API_RATE_LIMIT));
    Map<String, Object> logs = (Map<String, Object>) stage.get("AccessLogSetting");
    assertThat(logs.get("DestinationArn"))
        .isEqualTo(
            Map.of(
                "Fn::GetAtt",
                List.of(Synthesized.named("AWS::Logs::LogGroup", "QueryApiAccessLogs"), "Arn")));
    assertThat(logs.get("Format").toString()).startsWith("{").contains("\"status\"");
  }

  @Test
  void pageTokenKeyIsASecretTheFunctionReadsItselfNeverAValueInTheConfiguration() {
    String secret = onlyId("AWS::SecretsManager::Secret");
    @SuppressWarnings("unchecked")
    Map<String, Object> env =
        (Map<String, Object>)
            ((Map<String, Object>) Synthesized.properties(functionId()).get("Environment"))
                .get("Variables");
    assertThat(env)
        .containsOnlyKeys("TABLE_NAME", "RESULTS_BUCKET", "SBOM_BUCKET", "PAGE_TOKEN_SECRET_ARN");
    assertThat(env.get("PAGE_TOKEN_SECRET_ARN")).isEqualTo(Map.of("Ref", secret));
    // No dynamic reference anywhere: the key is never resolved into a function's configuration.
    assertThat(TEMPLATE.toJSON().toString()).doesNotContain("{{resolve:secretsmanager");
    assertThat(Synthesized.properties(secret)).containsKey("GenerateSecretString");
    // The role reads exactly that secret.
    List<Map<String, Object>> reads =
        roleStatements().stream()
            .filter(s -> list(s.get("Action")).contains("secretsmanager:GetSecretValue"))
            .toList();
    assertThat(reads).hasSize(1);
    assertThat(list(reads.get(0).get("Action"))).containsExactly("secretsmanager:GetSecretValue");
    assertThat(list(reads.get(0).get("Resource"))).containsExactly(Map.of("Ref", secret));
  }

  @Test
  void roleReadsTheTableAndIndexesAndReportsAndSbomsOnly() {
    assertThat(Synthesized.properties(roleId())).doesNotContainKey("ManagedPolicyArns");
    List<Object> actions = new ArrayList<>();
    for (Map<String, Object> s : roleStatements()) {
      assertThat(s.get("Effect")).isEqualTo("Allow");
      actions.addAll(list(s.get("Action")));
      if (list(s.get("Resource")).contains("*")) {
        assertThat(list(s.get("Action")))
            .containsExactlyInAnyOrder("xray:PutTelemetryRecords", "xray:PutTraceSegments");
      }
    }
    assertThat(actions)
        .containsExactlyInAnyOrder(
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "s3:GetObject",
            "secretsmanager:GetSecretValue",
            "kms:Decrypt",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords");
    Map<String, Object> table =
        roleStatements().stream()
            .filter(s -> list(s.get("Action")).contains("dynamodb:Query"))
            .findFirst()
            .orElseThrow();
    String tableId = onlyId("AWS::DynamoDB::Table");
    assertThat(list(table.get("Resource")))
        .containsExactly(
            Map.of("Fn::GetAtt", List.of(tableId, "Arn")),
            Map.of(
                "Fn::Join",
                List.of("", List.of(Map.of("Fn::GetAtt", List.of(tableId, "Arn")), "/index/*"))));
    Map<String, Object> s3 =
        roleStatements().stream()
            .filter(s -> list(s.get("Action")).contains("s3:GetObject"))
            .findFirst()
            .orElseThrow();
    assertThat(list(s3.get("Resource")).toString()).contains("/reports/*", "/sboms/*");
    assertThat(list(s3.get("Resource"))).hasSize(2);
  }

  @Test
  void urlIsAnOutput() {
    TEMPLATE.hasOutput(
        "*",
        Map.of(
            "Value",
            Match.objectLike(Map.of("Fn::Join", Match.anyValue())),
            "Description",
            Match.stringLikeRegexp("Query API.*")));
    assertThat(Synthesized.STACK.getPipeline().getApiUrl()).isNotBlank();
  }

  @Test
  void apiKeysAndAUsagePlanOnRequest() {
    App app = new App();
    Stack stack = new Stack(app, "ApiKeys");
    new ModelScanPipeline(
        stack,
        "P",
        ModelScanPipelineProps.builder()
            .apiAuthorization(ApiAuthorization.API_KEY)
            .apiRateLimit(5)
            .apiBurstLimit(7)
            .build());
    Template t = Template.fromStack(stack);
    t.allResourcesProperties(
        "AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE", "ApiKeyRequired", true));
    t.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
    t.hasResourceProperties(
        "AWS::ApiGateway::UsagePlan", Map.of("Throttle", Map.of("RateLimit", 5, "BurstLimit", 7)));
  }
}
