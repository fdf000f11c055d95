package io.sentrascan.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketAttributes;

/**
 * One synthesis shared by the template tests (jsii synthesis takes seconds): the app as {@code cdk
 * synth -c team=fraud-ml -c quarantine=true -c reservedConcurrency=5 -c slackSecretArn=...} builds
 * it, plus a team's existing KMS-encrypted bucket added with {@link
 * ModelScanPipeline#addSourceBucket}.
 */
final class Synthesized {
  static final String TEAM_BUCKET = "fraud-ml-models";
  static final String TEAM_KEY_ARN =
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  static final String SLACK_SECRET_ARN =
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack/fraud-ml-AbCdEf";

  static final TeamStack STACK;
  static final Template TEMPLATE;
  static final Annotations ANNOTATIONS;

  static {
    App app =
        new App(
            AppProps.builder()
                .context(
                    Map.of(
                        "team", "fraud-ml",
                        "quarantine", "true",
                        "reservedConcurrency", "5",
                        "slackSecretArn", SLACK_SECRET_ARN))
                .build());
    SentraScanApp.build(app);
    STACK = (TeamStack) app.getNode().findChild("SentraScan-fraud-ml");
    STACK
        .getPipeline()
        .addSourceBucket(
            Bucket.fromBucketAttributes(
                STACK,
                "TeamBucket",
                BucketAttributes.builder()
                    .bucketName(TEAM_BUCKET)
                    .encryptionKey(Key.fromKeyArn(STACK, "TeamBucketKey", TEAM_KEY_ARN))
                    .build()));
    TEMPLATE = Template.fromStack(STACK);
    ANNOTATIONS = Annotations.fromStack(STACK);
  }

  private Synthesized() {}

  /** The logical ids of the resources of {@code type}. */
  static List<String> ids(String type) {
    return List.copyOf(TEMPLATE.findResources(type).keySet());
  }

  /** The only resource of {@code type} whose logical id contains {@code construct}'s id. */
  static String named(String type, String construct) {
    List<String> found = ids(type).stream().filter(id -> id.contains(construct)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type + " named " + construct + ": " + found);
    }
    return found.get(0);
  }

  /** The template's resources by logical id. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> resources() {
    return (Map<String, Map<String, Object>>) TEMPLATE.toJSON().get("Resources");
  }

  /** The properties of a resource. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(String logicalId) {
    return (Map<String, Object>) resources().get(logicalId).get("Properties");
  }

  /** Every statement of every policy attached to the role {@code roleLogicalId}. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> roleStatements(String roleLogicalId) {
    List<Map<String, Object>> all = new java.util.ArrayList<>();
    for (String id : ids("AWS::IAM::Policy")) {
      Map<String, Object> p = properties(id);
      if (((List<Object>) p.get("Roles")).contains(Map.of("Ref", roleLogicalId))) {
        all.addAll(
            (List<Map<String, Object>>)
                ((Map<String, Object>) p.get("PolicyDocument")).get("Statement"));
      }
    }
    return all;
  }

  /** An IAM Action or Resource value as a list (it is a single value or a list). */
  static List<Object> list(Object actionOrResource) {
    return actionOrResource instanceof List<?> l ? List.copyOf(l) : List.of(actionOrResource);
  }

  /** The only resource of {@code type} whose properties match, by logical id. */
  static String only(String type, Map<String, ?> properties) {
    Map<String, Map<String, Object>> found =
        TEMPLATE.findResources(
            type,
            Map.of("Properties", software.amazon.awscdk.assertions.Match.objectLike(properties)));
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type + " matching " + properties + ", found " + found.keySet());
    }
    return found.keySet().iterator().next();
  }
}
