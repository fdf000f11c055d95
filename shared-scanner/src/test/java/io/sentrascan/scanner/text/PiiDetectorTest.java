package io.sentrascan.scanner.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {
  private final TextFindings text = new TextFindings(TextPolicy.defaults());

  private List<String> rules(String s) {
    return text.find(s).stream().map(TextMatch::ruleId).toList();
  }

  @Test
  void cardNumbersNeedLuhnAKnownIssuerAndTheRightLength() {
    assertThat(PiiDetector.isCardNumber("4539578763621486")).isTrue(); // Visa, Luhn-valid
    assertThat(PiiDetector.isCardNumber("4539578763621487")).isFalse(); // check digit wrong
    assertThat(PiiDetector.isCardNumber("9539578763621486")).isFalse(); // no such issuer
    assertThat(PiiDetector.isCardNumber("371449635398431")).isTrue(); // Amex, 15 digits
    assertThat(PiiDetector.isCardNumber("3714496353984310")).isFalse(); // Amex is never 16
    assertThat(rules("card 4539 5787 6362 1486 on file")).containsExactly("PII-004");
    assertThat(rules("card 4539-5787-6362-1486")).containsExactly("PII-004");
    assertThat(rules("well-known test card 4111111111111111")).isEmpty();
    assertThat(rules("timestamp 1700000000000")).isEmpty();
  }

  @Test
  void ssnsFollowTheAssignmentRules() {
    assertThat(rules("ssn 536-22-1234")).containsExactly("PII-003");
    assertThat(rules("ssn 000-22-1234")).isEmpty();
    assertThat(rules("ssn 666-22-1234")).isEmpty();
    assertThat(rules("ssn 912-22-1234")).isEmpty();
    assertThat(rules("ssn 536-00-1234")).isEmpty();
    assertThat(rules("ssn 536-22-0000")).isEmpty();
    assertThat(rules("date 2024-01-15")).isEmpty();
  }

  @Test
  void ipAddressesOnlyInPublicRanges() {
    assertThat(rules("host 8.8.8.8")).containsExactly("PII-005");
    assertThat(rules("hosts 10.0.0.1 172.16.4.4 192.168.1.1 127.0.0.1 169.254.0.9")).isEmpty();
    assertThat(rules("docs 192.0.2.1 198.51.100.7 203.0.113.9")).isEmpty();
    assertThat(rules("v6 2606:4700:4700::1111")).containsExactly("PII-005");
    assertThat(rules("v6 2001:db8::1 fe80::1 ::1")).isEmpty();
    assertThat(rules("slice a[1::2] and version 1.13.1")).isEmpty();
  }

  @Test
  void phoneNumbersInInternationalAndUsFormats() {
    assertThat(rules("call +44 20 7946 0958")).containsExactly("PII-002");
    assertThat(rules("call +14155550123")).containsExactly("PII-002");
    assertThat(rules("call (415) 555-0123")).containsExactly("PII-002");
    assertThat(rules("x = y+12 and 3.14159 and 2024-01-15")).isEmpty();
  }

  @Test
  void emailsButNotPlaceholdersOrImageNames() {
    assertThat(rules("mail jane.doe@university.edu")).containsExactly("PII-001");
    assertThat(rules("mail support@example.com or user@test")).isEmpty();
    assertThat(rules("logo@2x.png and git@github.com:org/repo.git")).isEmpty();
  }
}
