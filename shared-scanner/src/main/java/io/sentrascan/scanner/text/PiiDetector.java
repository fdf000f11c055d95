package io.sentrascan.scanner.text;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data with patterns plus the checks that keep false alarms down: Luhn and issuer
 * prefixes for card numbers, the SSA's assignment rules for SSNs, and public ranges only for IP
 * addresses.
 */
final class PiiDetector {
  /** A candidate: rule, what it is, and the span of the value. */
  record Hit(String ruleId, String what, int start, int end) {}

  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\\.)+"
              + "([A-Za-z]{2,24})(?![A-Za-z0-9-])");
  private static final Set<String> NOT_EMAIL_TLDS =
      Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "py", "js", "md", "txt", "json", "git");
  private static final Pattern PLACEHOLDER_DOMAIN =
      Pattern.compile(
          "(?i)@(?:[a-z0-9-]+\\.)*(?:example\\.(?:com|org|net)|test|invalid|localhost)$");

  private static final Pattern PHONE_E164 =
      Pattern.compile("(?<![\\w+])\\+[1-9](?:[ .-]?\\(?\\d{1,4}\\)?){2,6}(?![\\w])");
  private static final Pattern PHONE_US =
      Pattern.compile("(?<![\\w+.-])\\(?[2-9]\\d{2}\\)?[ .-][2-9]\\d{2}[ .-]\\d{4}(?![\\w.-])");

  private static final Pattern SSN =
      Pattern.compile("(?<![\\w-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\w-])");
  private static final Set<String> KNOWN_FAKE_SSNS =
      Set.of("078-05-1120", "219-09-9999", "123-45-6789");

  private static final Pattern CARD =
      Pattern.compile("(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?![\\d-])");
  private static final Set<String> TEST_CARDS =
      Set.of(
          "4111111111111111",
          "4242424242424242",
          "5555555555554444",
          "5105105105105100",
          "378282246310005",
          "371449635398431",
          "6011111111111117",
          "4012888888881881");

  private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\w.:])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\w.])");
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![\\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
              + "|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![\\w:.])");

  private PiiDetector() {}

  static void find(CharSequence text, String lower, Consumer<Hit> out) {
    if (lower.indexOf('@') >= 0) {
      Matcher m = EMAIL.matcher(text);
      while (m.find()) {
        String tld = m.group(1).toLowerCase(Locale.ROOT);
        if (!NOT_EMAIL_TLDS.contains(tld)
            && !PLACEHOLDER_DOMAIN.matcher(m.group()).find()
            && !m.group().toLowerCase(Locale.ROOT).startsWith("noreply@")
            && !m.group().startsWith("git@")) {
          out.accept(new Hit("PII-001", "an e-mail address", m.start(), m.end()));
        }
      }
    }
    if (lower.indexOf('+') >= 0) {
      Matcher m = PHONE_E164.matcher(text);
      while (m.find()) {
        int digits = countDigits(m.group());
        if (digits >= 8 && digits <= 15) {
          out.accept(new Hit("PII-002", "a phone number", m.start(), m.end()));
        }
      }
    }
    Matcher us = PHONE_US.matcher(text);
    while (us.find()) {
      out.accept(new Hit("PII-002", "a phone number", us.start(), us.end()));
    }
    Matcher ssn = SSN.matcher(text);
    while (ssn.find()) {
      if (validSsn(ssn.group(1), ssn.group(2), ssn.group(3))
          && !KNOWN_FAKE_SSNS.contains(ssn.group())) {
        out.accept(new Hit("PII-003", "a US Social Security number", ssn.start(), ssn.end()));
      }
    }
    Matcher card = CARD.matcher(text);
    while (card.find()) {
      String digits = card.group().replace(" ", "").replace("-", "");
      if (isCardNumber(digits) && !TEST_CARDS.contains(digits)) {
        out.accept(new Hit("PII-004", "a payment card number", card.start(), card.end()));
      }
    }
    if (lower.indexOf('.') >= 0) {
      Matcher ip = IPV4.matcher(text);
      while (ip.find()) {
        if (isPublicIpv4(ip.group())) {
          out.accept(new Hit("PII-005", "a public IPv4 address", ip.start(), ip.end()));
        }
      }
    }
    if (lower.contains(":")) {
      Matcher ip = IPV6.matcher(text);
      while (ip.find()) {
        if (isGlobalIpv6(ip.group())) {
          out.accept(new Hit("PII-005", "a public IPv6 address", ip.start(), ip.end()));
        }
      }
    }
  }

  /** Area 001-899 except 666, group 01-99, serial 0001-9999. */
  static boolean validSsn(String area, String group, String serial) {
    int a = Integer.parseInt(area);
    return a != 0
        && a != 666
        && a < 900
        && Integer.parseInt(group) != 0
        && Integer.parseInt(serial) != 0;
  }

  /** Length, a known issuer prefix for that length, and the Luhn check digit. */
  static boolean isCardNumber(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19 || !knownIssuer(digits, n)) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < n; i++) {
      int d = digits.charAt(n - 1 - i) - '0';
      if (i % 2 == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return sum % 10 == 0;
  }

  private static boolean knownIssuer(String d, int n) {
    int p2 = Integer.parseInt(d.substring(0, 2));
    int p3 = Integer.parseInt(d.substring(0, 3));
    int p4 = Integer.parseInt(d.substring(0, 4));
    if (d.charAt(0) == '4') {
      return n == 13 || n == 16 || n == 19; // Visa
    }
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
      return n == 16; // Mastercard
    }
    if (p2 == 34 || p2 == 37) {
      return n == 15; // American Express
    }
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649)) {
      return n >= 16; // Discover
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return n >= 16; // JCB
    }
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38) {
      return n >= 14; // Diners Club
    }
    return p2 == 62 && n >= 16; // UnionPay
  }

  static boolean isPublicIpv4(String address) {
    List<String> parts = List.of(address.split("\\."));
    int a = Integer.parseInt(parts.get(0));
    int b = Integer.parseInt(parts.get(1));
    int c = Integer.parseInt(parts.get(2));
    int d = Integer.parseInt(parts.get(3));
    if (a == 0 || a == 10 || a == 127 || a >= 224 || d == 0 || d == 255) {
      return false; // this network, private, loopback, multicast and reserved; network/broadcast
    }
    if ((a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) || (a == 169 && b == 254)) {
      return false;
    }
    if (a == 100 && b >= 64 && b <= 127) {
      return false; // carrier-grade NAT
    }
    if ((a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || (a == 198 && (b == 18 || b == 19))) {
      return false; // IETF, documentation and benchmarking ranges
    }
    return true;
  }

  /** Only global unicast (2000::/3) outside the documentation prefix 2001:db8::/32. */
  static boolean isGlobalIpv6(String address) {
    int colon = address.indexOf(':');
    int first = Integer.parseInt(address.substring(0, colon), 16);
    if (first < 0x2000 || first > 0x3fff) {
      return false;
    }
    String lower = address.toLowerCase(Locale.ROOT);
    return !lower.startsWith("2001:db8:") && !lower.startsWith("2001:0db8:");
  }

  private static int countDigits(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        n++;
      }
    }
    return n;
  }
}
