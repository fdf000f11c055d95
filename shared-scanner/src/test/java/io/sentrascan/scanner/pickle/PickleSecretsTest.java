package io.sentrascan.scanner.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.text.EmbeddedStrings;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The secret search over pickle strings: once per value, secrets only, within a budget. */
class PickleSecretsTest {
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static String random(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  private static FileResult scan(byte[] pickle) {
    return ScanEngine.defaults().scanSource(Sources.bytes(pickle, "strings.pkl")).get(0);
  }

  @Test
  void theSameSecretTwiceIsReportedOnce() {
    String token = "hf_" + random(new Random(1), 34);
    byte[] pickle =
        PickleBytes.of().proto(2).mark().unicode(token).unicode(token).tuple().stop().bytes();
    FileResult result = scan(pickle);
    assertThat(result.findings()).extracting(f -> f.ruleId()).containsExactly("SEC-007");
    assertThat(result.findings().get(0).evidence()).doesNotContain(token);
  }

  @Test
  void personalDataPatternsAreNotAppliedToModelStrings() {
    byte[] pickle =
        PickleBytes.of()
            .proto(2)
            .unicode("maintainer jane.doe@example.org, phone +1 415 555 0100, 10.0.0.12")
            .stop()
            .bytes();
    FileResult result = scan(pickle);
    assertThat(result.format()).isEqualTo("pickle");
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void stringsPastTheBudgetAreCountedNotSearched() {
    Random r = new Random(2);
    PickleBytes p = PickleBytes.of().proto(2).mark();
    int each = 200;
    int count = EmbeddedStrings.DEFAULT_BUDGET / each + 10;
    for (int i = 0; i < count; i++) {
      p.unicode(random(r, each));
    }
    String token = "hf_" + random(r, 34);
    byte[] pickle = p.unicode(token).tuple().stop().bytes();
    FileResult result = scan(pickle);
    assertThat(result.findings()).noneMatch(f -> f.ruleId().startsWith("SEC-"));
    assertThat(result.properties().get("pickle.strings_not_searched")).isNotEmpty();
  }
}
