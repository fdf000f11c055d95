package io.sentrascan.scanner.format.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What makes a token anomalous (TOK-001) or a shadow of a word (TOK-002), from a resource. */
final class TokenAnomalies {
  private static final TokenAnomalies DEFAULT = load();
  private static final Pattern ORDINARY = Pattern.compile("[\\p{L}][\\p{L}\\p{M}']*");

  private final String version;
  private final int maxTokenChars;
  private final Set<String> commonWords;
  private final List<Pattern> injection;
  private final List<String> roleMarkers;
  private final Set<String> roleWords;

  private TokenAnomalies(
      String version,
      int maxTokenChars,
      Set<String> commonWords,
      List<Pattern> injection,
      List<String> roleMarkers,
      Set<String> roleWords) {
    this.version = version;
    this.maxTokenChars = maxTokenChars;
    this.commonWords = commonWords;
    this.injection = injection;
    this.roleMarkers = roleMarkers;
    this.roleWords = roleWords;
  }

  static TokenAnomalies defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  /** The reasons a token's text is anomalous; empty when it is not. */
  List<String> anomalies(String content) {
    List<String> reasons = new ArrayList<>();
    if (content.length() > maxTokenChars) {
      reasons.add(content.length() + " characters long (over " + maxTokenChars + ")");
    }
    String hidden = hiddenCharacters(content);
    if (hidden != null) {
      reasons.add("contains " + hidden);
    }
    for (Pattern p : injection) {
      if (p.matcher(content).find()) {
        reasons.add("contains prompt-injection text");
        break;
      }
    }
    String marker = roleMarkerWithText(content);
    if (marker != null) {
      reasons.add("wraps the role marker " + marker + " with other text");
    }
    return reasons;
  }

  /**
   * The word the token would swallow when it is an ordinary word (after a leading space marker such
   * as {@code Ġ} or {@code ▁}); null when it is markup or punctuation.
   */
  static @Nullable String ordinaryWord(String content) {
    String s = content.strip();
    while (!s.isEmpty() && (s.charAt(0) == '\u0120' || s.charAt(0) == '\u2581')) {
      s = s.substring(1);
    }
    return ORDINARY.matcher(s).matches() ? s : null;
  }

  boolean isCommonWord(String word) {
    return commonWords.contains(word.toLowerCase(Locale.ROOT));
  }

  private static @Nullable String hiddenCharacters(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control =
          (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || (c >= 0x7f && c < 0xa0);
      boolean invisible =
          (c >= 0x200b && c <= 0x200f)
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069)
              || c == 0xfeff;
      if (control || invisible) {
        return String.format(
            "the %s character U+%04X", control ? "control" : "invisible or bidi", (int) c);
      }
    }
    return null;
  }

  private @Nullable String roleMarkerWithText(String s) {
    for (String marker : roleMarkers) {
      int at = s.indexOf(marker);
      if (at < 0) {
        continue;
      }
      String rest =
          (s.substring(0, at) + " " + s.substring(at + marker.length()))
              .replaceAll("<\\|[^|>]{0,40}\\|>|\\[/?[A-Z]{1,10}]|<</?SYS>>|</?[a-z_]{1,20}>", " ")
              .toLowerCase(Locale.ROOT);
      for (String word : rest.split("[\\s:]+")) {
        if (!word.isEmpty() && !roleWords.contains(word)) {
          return marker;
        }
      }
    }
    return null;
  }

  private static TokenAnomalies load() {
    try (InputStream in = TokenAnomalies.class.getResourceAsStream("token-anomalies.json")) {
      if (in == null) {
        throw new IllegalStateException("token-anomalies.json missing");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Set<String> words = new HashSet<>();
      root.path("commonWords").forEach(n -> words.add(n.asText().toLowerCase(Locale.ROOT)));
      List<Pattern> patterns = new ArrayList<>();
      root.path("injectionPatterns")
          .forEach(
              n ->
                  patterns.add(
                      Pattern.compile(n.asText(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)));
      List<String> markers = new ArrayList<>();
      root.path("roleMarkers").forEach(n -> markers.add(n.asText()));
      Set<String> roles = new HashSet<>();
      root.path("roleWords").forEach(n -> roles.add(n.asText()));
      return new TokenAnomalies(
          root.path("version").asText(),
          root.path("maxTokenChars").asInt(256),
          Set.copyOf(words),
          List.copyOf(patterns),
          List.copyOf(markers),
          Set.copyOf(roles));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
