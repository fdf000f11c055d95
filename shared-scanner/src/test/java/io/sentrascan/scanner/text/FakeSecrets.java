package io.sentrascan.scanner.text;

import java.util.Random;

/** Random, obviously fake values in the shapes of real secrets, made at test time. */
final class FakeSecrets {
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private final Random random;

  FakeSecrets(long seed) {
    this.random = new Random(seed);
  }

  String chars(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  String awsKeyId() {
    return "AKIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  }

  String awsSecret() {
    return chars(ALNUM + "+/", 40);
  }

  String hf() {
    return "hf_" + chars(ALNUM, 34);
  }

  String github() {
    return "ghp_" + chars(ALNUM, 36);
  }

  String gcpApiKey() {
    return "AIza" + chars(ALNUM + "_-", 35);
  }

  String openAi() {
    return "sk-proj-" + chars(ALNUM, 60);
  }

  String anthropic() {
    return "sk-ant-api03-" + chars(ALNUM, 90);
  }

  String slack() {
    return "xoxb-" + chars("0123456789", 12) + "-" + chars(ALNUM, 24);
  }
}
