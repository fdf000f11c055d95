package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKey;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointConfiguration;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.JsonWithStandardFieldProps;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.ProxyResourceOptions;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The query API: a regional REST API whose every method (a greedy proxy) invokes the query
 * function's SnapStart alias, with IAM authorization by default (or an API key and usage plan),
 * stage throttling, JSON access logs and X-Ray. The function's role reads the table and its indexes
 * (GetItem and Query only) and the reports and ML-BOMs under their prefixes.
 *
 * <p>The page-token HMAC key is generated into a Secrets Manager secret; the function gets the
 * secret's ARN as {@code PAGE_TOKEN_SECRET_ARN} and reads the value itself on the first request
 * that needs it, so the key is neither visible in the function's configuration nor frozen into the
 * SnapStart snapshot. The role may {@code secretsmanager:GetSecretValue} that one secret.
 */
final class QueryApi {
  static final String HANDLER = "io.sentrascan.functions.api.QueryApiHandler::handleRequest";
  static final String STAGE = "v1";

  /** The only DynamoDB calls of {@code ScanQueries}. */
  static final List<String> TABLE_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:Query");

  private final Role role;
  private final Function function;
  private final Alias alias;
  private final Secret pageTokenKey;
  private final RestApi api;
  private final LogGroup accessLogs;
  private final @Nullable UsagePlan usagePlan;
  private final @Nullable ApiKey apiKey;

  QueryApi(
      Construct scope,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      ITable table,
      IBucket results,
      IBucket sboms) {
    this.pageTokenKey =
        Secret.Builder.create(scope, "PageTokenKey")
            .description("SentraScan query API: HMAC key of page tokens")
            .encryptionKey(key)
            .generateSecretString(
                SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build())
            .build();

    Map<String, String> env = new LinkedHashMap<>();
    env.put("TABLE_NAME", table.getTableName());
    env.put("RESULTS_BUCKET", results.getBucketName());
    env.put("SBOM_BUCKET", sboms.getBucketName());
    env.put("PAGE_TOKEN_SECRET_ARN", pageTokenKey.getSecretArn());
    SnapStartJavaFunction parts =
        new SnapStartJavaFunction(
            scope,
            "Query",
            props,
            jar,
            key,
            "SentraScan query API function",
            f ->
                f.description("SentraScan: the query API")
                    .handler(HANDLER)
                    .memorySize(1024)
                    .timeout(Duration.seconds(29))
                    .environment(env),
            "the API invokes");
    this.function = parts.function();
    this.alias = parts.alias();
    this.role = parts.role();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadScanRecords")
            .actions(TABLE_ACTIONS)
            .resources(List.of(table.getTableArn(), table.getTableArn() + "/index/*"))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadReportsAndSboms")
            .actions(List.of("s3:GetObject"))
            .resources(
                List.of(
                    results.arnForObjects(ScanFunction.REPORTS_PREFIX + "*"),
                    sboms.arnForObjects(ScanFunction.SBOMS_PREFIX + "*")))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadPageTokenKey")
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of(pageTokenKey.getSecretArn()))
            .build());
    // Decrypts the reports, the ML-BOMs and the secret (all under the pipeline key).
    key.grantDecrypt(role);

    this.accessLogs =
        LogGroup.Builder.create(scope, "QueryApiAccessLogs")
            .retention(props.logRetention())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    boolean iam = props.apiAuthorization() == ApiAuthorization.IAM;
    this.api =
        RestApi.Builder.create(scope, "QueryApi")
            .restApiName("sentrascan-query")
            .description("SentraScan: scan records, reports and ML-BOMs")
            .endpointConfiguration(
                EndpointConfiguration.builder().types(List.of(EndpointType.REGIONAL)).build())
            .cloudWatchRole(false)
            .deployOptions(
                StageOptions.builder()
                    .stageName(STAGE)
                    .throttlingRateLimit(props.apiRateLimit())
                    .throttlingBurstLimit(props.apiBurstLimit())
                    .tracingEnabled(true)
                    .accessLogDestination(new LogGroupLogDestination(accessLogs))
                    .accessLogFormat(
                        AccessLogFormat.jsonWithStandardFields(
                            JsonWithStandardFieldProps.builder()
                                .caller(true)
                                .httpMethod(true)
                                .ip(true)
                                .protocol(true)
                                .requestTime(true)
                                .resourcePath(true)
                                .responseLength(true)
                                .status(true)
                                .user(true)
                                .build()))
                    .build())
            .defaultIntegration(new LambdaIntegration(alias))
            .defaultMethodOptions(
                MethodOptions.builder()
                    .authorizationType(iam ? AuthorizationType.IAM : AuthorizationType.NONE)
                    .apiKeyRequired(!iam)
                    .build())
            .build();
    // Cheap validation: the proxy carries no declared parameters or models, but the validator
    // makes API Gateway reject what it can before the function runs.
    RequestValidator validator =
        api.addRequestValidator(
            "QueryApiValidator",
            RequestValidatorOptions.builder()
                .requestValidatorName("parameters-and-body")
                .validateRequestParameters(true)
                .validateRequestBody(true)
                .build());
    api.getRoot()
        .addProxy(ProxyResourceOptions.builder().anyMethod(false).build())
        .addMethod("ANY", null, MethodOptions.builder().requestValidator(validator).build());

    if (iam) {
      this.usagePlan = null;
      this.apiKey = null;
    } else {
      ApiKey apiKey =
          ApiKey.Builder.create(scope, "QueryApiKey").description("SentraScan query API").build();
      this.apiKey = apiKey;
      UsagePlan plan =
          UsagePlan.Builder.create(scope, "QueryApiUsagePlan")
              .name("sentrascan-query")
              .throttle(
                  ThrottleSettings.builder()
                      .rateLimit(props.apiRateLimit())
                      .burstLimit(props.apiBurstLimit())
                      .build())
              .apiStages(
                  new ArrayList<>(
                      List.of(
                          UsagePlanPerApiStage.builder()
                              .api(api)
                              .stage(api.getDeploymentStage())
                              .build())))
              .build();
      plan.addApiKey(apiKey);
      this.usagePlan = plan;
    }
  }

  IRole role() {
    return role;
  }

  Function function() {
    return function;
  }

  Alias alias() {
    return alias;
  }

  RestApi api() {
    return api;
  }

  Secret pageTokenKey() {
    return pageTokenKey;
  }

  LogGroup accessLogs() {
    return accessLogs;
  }

  @Nullable UsagePlan usagePlan() {
    return usagePlan;
  }

  /** The API key callers send as {@code x-api-key}, in API-key mode; else null. */
  @Nullable ApiKey apiKey() {
    return apiKey;
  }
}
