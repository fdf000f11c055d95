package io.sentrascan.cdk;

import static io.sentrascan.cdk.PipelineTemplateTest.onlyId;
import static io.sentrascan.cdk.PipelineTemplateTest.scanRoleId;
import static io.sentrascan.cdk.PipelineTemplateTest.statements;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Least privilege: the scan function's role can do exactly what the function does. */
class ScanFunctionPermissionsTest {

  /** Every statement of every policy attached to the scan function's role. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> roleStatements() {
    String role = scanRoleId();
    List<Map<String, Object>> all = new ArrayList<>();
    for (String id : Synthesized.ids("AWS::IAM::Policy")) {
      Map<String, Object> p = Synthesized.properties(id);
      if (((List<Object>) p.get("Roles")).contains(Map.of("Ref", role))) {
        all.addAll(statements(p));
      }
    }
    return all;
  }

  private static List<Object> list(Object actionOrResource) {
    return actionOrResource instanceof List<?> l ? List.copyOf(l) : List.of(actionOrResource);
  }

  private static Map<String, Object> withActions(List<String> actions) {
    List<Map<String, Object>> found =
        roleStatements().stream().filter(s -> list(s.get("Action")).equals(actions)).toList();
    assertThat(found).as("a statement with exactly " + actions).hasSize(1);
    return found.get(0);
  }

  @Test
  void roleHasNoManagedPolicies() {
    assertThat(Synthesized.properties(scanRoleId())).doesNotContainKey("ManagedPolicyArns");
  }

  @Test
  void allowsOnlyAndNeverDenies() {
    assertThat(roleStatements())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.get("Effect")).isEqualTo("Allow"));
  }

  @Test
  void onlyXrayHasAWildcardResource() {
    for (Map<String, Object> s : roleStatements()) {
      if (list(s.get("Resource")).contains("*")) {
        assertThat(list(s.get("Action")))
            .containsExactlyInAnyOrder("xray:PutTelemetryRecords", "xray:PutTraceSegments");
      }
    }
  }

  @Test
  void noServiceWideActions() {
    for (Map<String, Object> s : roleStatements()) {
      for (Object action : list(s.get("Action"))) {
        assertThat(action.toString()).doesNotEndWith(":*").isNotEqualTo("*");
      }
    }
  }

  @Test
  void sourceBucketsObjectsCanBeReadAndTaggedNothingMore() {
    List<Map<String, Object>> s3 =
        roleStatements().stream()
            .filter(
                s -> list(s.get("Action")).equals(List.copyOf(ScanFunction.SOURCE_OBJECT_ACTIONS)))
            .toList();
    // The watched bucket it created and the team's existing one.
    List<Object> resources = new ArrayList<>();
    s3.forEach(s -> resources.addAll(list(s.get("Resource"))));
    assertThat(resources).hasSize(2);
    assertThat(resources.toString()).contains(Synthesized.TEAM_BUCKET + "/*");
    assertThat(ScanFunction.SOURCE_OBJECT_ACTIONS)
        .containsExactly(
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectTagging",
            "s3:GetObjectVersionTagging",
            "s3:PutObjectTagging",
            "s3:PutObjectVersionTagging");
  }

  @Test
  void reportsAndSbomsAreWrittenUnderTheirPrefixesOnly() {
    Map<String, Object> put = withActions(List.of("s3:PutObject"));
    assertThat(put.get("Resource").toString()).contains("/reports/*").contains("/sboms/*");
    assertThat(list(put.get("Resource"))).hasSize(2);
  }

  @Test
  void tableActionsAreTheStoresOnTheTableOnly() {
    Map<String, Object> ddb = withActions(List.copyOf(ScanFunction.TABLE_ACTIONS));
    assertThat(ddb.get("Resource"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(onlyId("AWS::DynamoDB::Table"), "Arn")));
  }

  @Test
  void queriesOnlyTheObjectAndDigestIndexes() {
    Map<String, Object> query = withActions(List.of("dynamodb:Query"));
    Object table = Map.of("Fn::GetAtt", List.of(onlyId("AWS::DynamoDB::Table"), "Arn"));
    assertThat(list(query.get("Resource")))
        .containsExactly(
            Map.of("Fn::Join", List.of("", List.of(table, "/index/byObject"))),
            Map.of("Fn::Join", List.of("", List.of(table, "/index/byDigest"))));
    for (String index : List.of(ScanFunction.SUPERSEDE_INDEX, ScanFunction.REUSE_INDEX)) {
      assertThat(ScanTable.INDEXES).anyMatch(i -> i.name().equals(index));
    }
  }

  @Test
  void putsEventsOnThePipelineBusOnly() {
    Map<String, Object> events = withActions(List.of("events:PutEvents"));
    assertThat(events.get("Resource"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(onlyId("AWS::Events::EventBus"), "Arn")));
  }

  @Test
  void kmsIsScopedToThePipelineKeyAndTheTeamBucketKey() {
    for (Map<String, Object> s : roleStatements()) {
      if (list(s.get("Action")).stream().anyMatch(a -> a.toString().startsWith("kms:"))) {
        assertThat(list(s.get("Resource")))
            .allSatisfy(
                r ->
                    assertThat(
                            r.equals(Synthesized.TEAM_KEY_ARN)
                                || r.equals(
                                    Map.of("Fn::GetAtt", List.of(onlyId("AWS::KMS::Key"), "Arn"))))
                        .as("KMS resource " + r)
                        .isTrue());
      }
    }
  }
}
