package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed contract {@code events/src/main/resources/statemachine/large-model-scan.asl.json}
 * is the state machine this app deploys: the synthesized {@code DefinitionString}, with the three
 * alias ARNs put back as {@code ${PlanFunctionArn}}, {@code ${ScanChunkFunctionArn}} and {@code
 * ${AggregateFunctionArn}}, equals the file as JSON. Run with {@code -Dsentrascan.updateAsl=true}
 * to rewrite the file from the app.
 */
class LargeModelAslTest {
  static final String ASL = "events/src/main/resources/statemachine/large-model-scan.asl.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The alias logical id of each placeholder. */
  private static Map<String, String> placeholders() {
    return Map.of(
        alias("LargeModelPlanFunctionAlias"), "${PlanFunctionArn}",
        alias("LargeModelChunkFunctionAlias"), "${ScanChunkFunctionArn}",
        alias("LargeModelAggregateFunctionAlias"), "${AggregateFunctionArn}");
  }

  private static String alias(String construct) {
    return Synthesized.named("AWS::Lambda::Alias", construct);
  }

  /**
   * The definition as the state machine receives it, with the aliases as placeholders and the
   * partition as {@code aws}.
   */
  @SuppressWarnings("unchecked")
  static String definition() {
    String sm = PipelineTemplateTest.onlyId("AWS::StepFunctions::StateMachine");
    Object body = Synthesized.properties(sm).get("DefinitionString");
    if (body instanceof String s) {
      return s;
    }
    List<Object> join = (List<Object>) ((Map<String, Object>) body).get("Fn::Join");
    assertThat(join.get(0)).isEqualTo("");
    Map<String, String> names = placeholders();
    StringBuilder sb = new StringBuilder();
    for (Object part : (List<Object>) join.get(1)) {
      if (part instanceof String s) {
        sb.append(s);
        continue;
      }
      Object ref = ((Map<String, Object>) part).get("Ref");
      if ("AWS::Partition".equals(ref)) {
        sb.append("aws");
      } else if (names.containsKey(ref)) {
        sb.append(names.get(ref));
      } else {
        throw new AssertionError("unexpected token in the definition: " + part);
      }
    }
    return sb.toString();
  }

  @Test
  void committedContractIsWhatTheAppDeploys() throws IOException {
    Path file = Path.of(System.getProperty("sentrascan.repoRoot", "..")).resolve(ASL);
    JsonNode wanted = JSON.readTree(definition());
    if (Boolean.getBoolean("sentrascan.updateAsl")) {
      DefaultPrettyPrinter pretty =
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      Files.writeString(
          file, JSON.writer(pretty).writeValueAsString(wanted) + "\n", StandardCharsets.UTF_8);
      return;
    }
    assertThat(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)))
        .as(ASL + " is stale: rerun LargeModelAslTest with -Dsentrascan.updateAsl=true")
        .isEqualTo(wanted);
  }

  @Test
  void everyTaskInvokesItsAliasAndNothingElse() throws IOException {
    JsonNode states = JSON.readTree(definition()).get("States");
    assertThat(states.get("Plan").get("Resource").asText()).isEqualTo("${PlanFunctionArn}");
    assertThat(states.get("Aggregate").get("Resource").asText())
        .isEqualTo("${AggregateFunctionArn}");
    JsonNode processor = states.get("ScanChunks").get("ItemProcessor");
    assertThat(processor.get("States").get("ScanChunk").get("Resource").asText())
        .isEqualTo("${ScanChunkFunctionArn}");
    assertThat(processor.get("ProcessorConfig").get("Mode").asText()).isEqualTo("DISTRIBUTED");
  }

  @Test
  void theMapReadsTheJsonlPlanInBatchesAndFailuresReachAggregate() throws IOException {
    JsonNode states = JSON.readTree(definition()).get("States");
    JsonNode map = states.get("ScanChunks");
    assertThat(map.get("ItemReader").get("Resource").asText())
        .isEqualTo("arn:aws:states:::s3:getObject");
    assertThat(map.get("ItemReader").get("ReaderConfig").get("InputType").asText())
        .isEqualTo("JSONL");
    assertThat(map.get("ItemReader").get("Parameters").get("Key.$").asText())
        .isEqualTo("$.plan.planKey");
    assertThat(map.get("ItemBatcher").get("BatchInput").get("scanId.$").asText())
        .isEqualTo("$.scanId");
    assertThat(map.get("ResultPath").isNull()).isTrue();
    for (String state : List.of("Plan", "ScanChunks")) {
      JsonNode c = states.get(state).get("Catch").get(0);
      assertThat(c.get("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
      assertThat(c.get("ResultPath").asText()).isEqualTo("$.failure");
      assertThat(c.get("Next").asText()).isEqualTo("Aggregate");
    }
    // No retry CDK would add by itself (Lambda.ClientExecutionTimeoutException is CDK's default).
    assertThat(definition()).doesNotContain("ClientExecutionTimeoutException");
  }
}
