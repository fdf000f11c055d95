package io.sentrascan.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sentrascan.functions.notify.SlackNotifierHandler;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.scanner.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * The LocalStack scripts cannot run here (no Docker engine), so this keeps them in step with the
 * code they deploy: the table's keys and indexes, the handler names and the environment variables
 * the handlers read.
 */
class LocalStackScriptsTest {
  private static final Path SETUP =
      Path.of(System.getProperty("sentrascan.repoRoot", ".."), "localstack", "setup.sh");

  private static String setup() throws Exception {
    return Files.readString(SETUP);
  }

  @Test
  void theTableHasTheKeysAndIndexesOfScanTableDesign() throws Exception {
    String script = setup();
    CreateTableRequest table = ScanTableDesign.createTableRequest("t");

    for (var attribute : table.attributeDefinitions()) {
      assertThat(script)
          .contains("AttributeName=" + attribute.attributeName() + ",AttributeType=S");
    }
    for (KeySchemaElement key : table.keySchema()) {
      assertThat(script)
          .contains("AttributeName=" + key.attributeName() + ",KeyType=" + key.keyType());
    }
    assertThat(table.globalSecondaryIndexes()).hasSize(3);
    for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
      StringBuilder keys = new StringBuilder();
      for (KeySchemaElement key : index.keySchema()) {
        keys.append(keys.length() == 0 ? "" : ",\\s*")
            .append(
                Pattern.quote(
                    "{\"AttributeName\": \""
                        + key.attributeName()
                        + "\", \"KeyType\": \""
                        + key.keyType()
                        + "\"}"));
      }
      assertThat(script)
          .containsPattern(
              Pattern.quote("{\"IndexName\": \"" + index.indexName() + "\",")
                  + "\\s*\"KeySchema\": \\["
                  + keys
                  + "\\],\\s*"
                  + Pattern.quote("\"Projection\": {\"ProjectionType\": \"ALL\"}"));
    }
  }

  @Test
  void theFunctionsAreDeployedWithRealHandlersAndTheVariablesTheyRead() throws Exception {
    String script = setup();
    Matcher handlers =
        Pattern.compile("(io\\.sentrascan\\.[\\w.]+)::handleRequest").matcher(script);
    int found = 0;
    while (handlers.find()) {
      found++;
      assertThat(RequestStreamHandler.class.isAssignableFrom(Class.forName(handlers.group(1))))
          .as(handlers.group(1))
          .isTrue();
    }
    assertThat(found).isEqualTo(6);
    assertThat(script)
        .contains("io.sentrascan.functions.scan.ScanObjectHandler::handleRequest")
        .contains("io.sentrascan.functions.largemodel.PlanHandler::handleRequest")
        .contains("io.sentrascan.functions.largemodel.ScanChunkHandler::handleRequest")
        .contains("io.sentrascan.functions.largemodel.AggregateHandler::handleRequest")
        .contains("SBOM_BUCKET=$SBOM_BUCKET")
        .contains(
            "HASH_SHARD_BYTES=$HASH_SHARD_BYTES",
            "BATCH_FILE_BYTES=$BATCH_FILE_BYTES",
            "CHUNK_PARALLELISM=$CHUNK_PARALLELISM")
        .contains(
            "LARGE_MODEL_STATE_MACHINE_ARN=$STATE_MACHINE_ARN",
            "MAX_OBJECT_BYTES=$MAX_OBJECT_BYTES",
            "FOLDER_MARKER=$FOLDER_MARKER")
        .contains("io.sentrascan.functions.notify.SlackNotifierHandler::handleRequest")
        .contains("io.sentrascan.functions.api.QueryApiHandler::handleRequest")
        .contains("PAGE_TOKEN_SECRET_ARN=$PAGE_TOKEN_SECRET_ARN", "RETENTION_DAYS=")
        .contains("FAIL_ON=$FAIL_ON")
        .contains("AttributeName=expiresAt")
        .contains("RESULTS_BUCKET=", "TABLE_NAME=", "EVENT_BUS_NAME=", "S3_FORCE_PATH_STYLE=true")
        .contains(SlackNotifierHandler.SECRET_ENV + "=")
        .contains("\"detail\": {\"verdict\": [\"FAIL\", \"ERROR\"]}");
  }

  @Test
  void everyPlaceholderOfTheStateMachineIsSubstitutedAndTheLargeModelFunctionsGetTheirSettings()
      throws Exception {
    String script = setup();
    String definition =
        Files.readString(
            Path.of(
                System.getProperty("sentrascan.repoRoot", ".."),
                "events/src/main/resources/statemachine/large-model-scan.asl.json"));
    Matcher placeholders = Pattern.compile("\\$\\{(\\w+)}").matcher(definition);
    int found = 0;
    while (placeholders.find()) {
      found++;
      assertThat(script).contains("s|\\${" + placeholders.group(1) + "}|");
    }
    assertThat(found).isEqualTo(3);
    // Both large-model and scan function environments carry the recording settings.
    Matcher large = Pattern.compile("LARGE_ENV=\"Variables=\\{\\$RECORDING_ENV,").matcher(script);
    assertThat(large.find()).isTrue();
    assertThat(script)
        .contains("--definition \"file://$DEFINITION\"")
        .contains("\"Variables={$RECORDING_ENV,MAX_OBJECT_BYTES=");
    // The environment the large-model functions read is complete.
    var config =
        io.sentrascan.functions.largemodel.LargeModelConfig.fromEnvironment(
            Map.of(
                "RESULTS_BUCKET", "r",
                "SBOM_BUCKET", "s",
                "TABLE_NAME", "t",
                "EVENT_BUS_NAME", "b",
                "HASH_SHARD_BYTES", "1000000000",
                "BATCH_FILE_BYTES", "268435456",
                "CHUNK_PARALLELISM", "4"));
    assertThat(config.scan().sbomBucket()).isEqualTo("s");
    String env = Files.readString(SETUP.resolveSibling("env.sh"));
    assertThat(env)
        .contains(
            "HASH_SHARD_BYTES=\"${HASH_SHARD_BYTES:-"
                + io.sentrascan.functions.largemodel.LargeModelConfig.DEFAULT_HASH_SHARD_BYTES
                + "}\"")
        .contains(
            "BATCH_FILE_BYTES=\"${BATCH_FILE_BYTES:-"
                + io.sentrascan.functions.largemodel.LargeModelConfig.DEFAULT_BATCH_FILE_BYTES
                + "}\"")
        .contains(
            "MAX_OBJECT_BYTES=\"${MAX_OBJECT_BYTES:-" + ScanConfig.DEFAULT_MAX_OBJECT_BYTES + "}\"")
        .contains("FOLDER_MARKER=\"${FOLDER_MARKER:-" + ScanConfig.DEFAULT_FOLDER_MARKER + "}\"");
  }

  @Test
  void theScanFunctionsFailOnDefaultIsOneTheFunctionAccepts() throws Exception {
    String env = Files.readString(SETUP.resolveSibling("env.sh"));
    Matcher failOn = Pattern.compile("FAIL_ON=\"\\$\\{FAIL_ON:-(\\w+)}\"").matcher(env);
    assertThat(failOn.find()).as("env.sh defaults FAIL_ON").isTrue();
    ScanConfig config =
        ScanConfig.fromEnvironment(
            Map.of(
                "RESULTS_BUCKET", "r",
                "TABLE_NAME", "t",
                "EVENT_BUS_NAME", "b",
                "FAIL_ON", failOn.group(1)));
    assertThat(config.failOn()).isEqualTo(Severity.HIGH);
  }
}
