package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's {@code AwsSolutions} checks (the app adds them) find nothing that is not suppressed
 * with a reason ({@link NagSuppressionsForPipeline}).
 *
 * <p>{@code Annotations.findError} still returns {@code cxapi.SynthesisMessage}, which aws-cdk-lib
 * deprecated without a replacement in the assertions API: hence the suppression.
 */
@SuppressWarnings("deprecation")
class NagTest {
  private static String describe(List<SynthesisMessage> messages) {
    StringBuilder sb = new StringBuilder();
    for (SynthesisMessage m : messages) {
      sb.append('\n').append(m.getId()).append(": ").append(m.getEntry().getData());
    }
    return sb.toString();
  }

  @Test
  void noUnsuppressedErrors() {
    List<SynthesisMessage> errors =
        Synthesized.ANNOTATIONS.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertThat(errors).as(describe(errors)).isEmpty();
  }

  @Test
  void noUnsuppressedWarnings() {
    List<SynthesisMessage> warnings =
        Synthesized.ANNOTATIONS.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertThat(warnings).as(describe(warnings)).isEmpty();
  }

  @Test
  void synthesisWarnsOfNothing() {
    List<SynthesisMessage> warnings = Synthesized.ANNOTATIONS.findWarning("*", Match.anyValue());
    assertThat(warnings).as(describe(warnings)).isEmpty();
  }

  @Test
  void theChecksDoRun() {
    // A control: an unhardened bucket in a stack of its own is reported.
    software.amazon.awscdk.App app = new software.amazon.awscdk.App();
    software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(app, "Control");
    new software.amazon.awscdk.services.s3.Bucket(stack, "Plain");
    software.amazon.awscdk.Aspects.of(app).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
    List<SynthesisMessage> errors =
        software.amazon.awscdk.assertions.Annotations.fromStack(stack)
            .findError("*", Match.stringLikeRegexp("AwsSolutions-S10.*"));
    assertThat(errors).isNotEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySuppressionHasAReason() {
    int suppressions = 0;
    for (Map<String, Object> resource : Synthesized.resources().values()) {
      Object metadata = resource.get("Metadata");
      if (!(metadata instanceof Map<?, ?> m) || !(m.get("cdk_nag") instanceof Map<?, ?> nag)) {
        continue;
      }
      for (Map<String, Object> rule : (List<Map<String, Object>>) nag.get("rules_to_suppress")) {
        suppressions++;
        assertThat(rule.get("reason")).as(rule.toString()).asString().hasSizeGreaterThan(40);
      }
    }
    assertThat(suppressions).isPositive();
  }
}
