package io.sentrascan.scanner.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Jackson streaming parsers with bounds for hostile JSON (string length, nesting, number length,
 * document size), and the cheap content probe JSON-based scanners use to claim a file: the names of
 * the top-level keys of an object, read from the first bytes only.
 */
public final class BoundedJson {
  /** One string value (a chat template, a config value) may be this long. */
  public static final int MAX_STRING_CHARS = 16 << 20;

  public static final int MAX_NESTING = 256;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(MAX_STRING_CHARS)
                  .maxNestingDepth(MAX_NESTING)
                  .maxNumberLength(1000)
                  .maxNameLength(64 * 1024)
                  .maxDocumentLength(1L << 30)
                  .build())
          .build();

  private BoundedJson() {}

  /** A parse error's message without Jackson's source-location noise, for a finding. */
  public static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    int cut = m.indexOf(" (start marker at");
    if (cut < 0) {
      cut = m.indexOf(" at [Source:");
    }
    m = cut < 0 ? m : m.substring(0, cut);
    return m.length() > 300 ? m.substring(0, 300) : m;
  }

  /** The shared factory; parsers it creates enforce the bounds above. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /**
   * The top-level keys of the JSON object that {@code head} starts (after whitespace and a byte
   * order mark), in order, as far as the bytes go; empty when {@code head} does not start an
   * object. Values are skipped, so a cut-off head still yields the keys before the cut.
   */
  public static Set<String> topLevelKeys(byte[] head) {
    Set<String> keys = new LinkedHashSet<>();
    int i = 0;
    if (head.length >= 3
        && (head[0] & 0xff) == 0xef
        && (head[1] & 0xff) == 0xbb
        && (head[2] & 0xff) == 0xbf) {
      i = 3;
    }
    while (i < head.length
        && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) {
      i++;
    }
    if (i >= head.length || head[i] != '{') {
      return keys;
    }
    try (JsonParser p = FACTORY.createParser(head, i, head.length - i)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return keys;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // The head ends mid-document or the JSON is broken: the keys read so far decide.
      return keys;
    }
    return keys;
  }
}
