package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Severity;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code secrets.json}.
 *
 * @param id the pattern's own name, for example {@code aws-access-key-id}
 * @param ruleId the rule its matches are reported under
 * @param regex what a secret looks like
 * @param group the capture group holding the secret value (masked and measured)
 * @param description what it is, in words ("an AWS access key id")
 * @param minEntropy Shannon entropy in bits per character the value must reach
 * @param keywords lower-case strings one of which must occur before the regex is run
 * @param validator an extra structural check by name ({@code jwt}), or null
 * @param severity a severity other than the rule's default, or null
 */
record SecretPattern(
    String id,
    String ruleId,
    Pattern regex,
    int group,
    String description,
    double minEntropy,
    List<String> keywords,
    @Nullable String validator,
    @Nullable Severity severity) {

  boolean keywordsPresent(String lowerText) {
    if (keywords.isEmpty()) {
      return true;
    }
    for (String k : keywords) {
      if (lowerText.contains(k)) {
        return true;
      }
    }
    return false;
  }
}
