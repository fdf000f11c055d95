package io.sentrascan.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration for event contracts: unknown fields are ignored (AWS adds fields to
 * its events without notice, and a newer producer may add fields to ours), times are ISO-8601
 * strings, and absent values are written as {@code null} so that consumers always see one shape.
 */
public final class EventJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private EventJson() {}

  /** Reads JSON into a contract type. */
  public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }

  /** Maps an already parsed tree into a contract type. */
  public static <T> T convert(JsonNode tree, Class<T> type) throws JsonProcessingException {
    return MAPPER.treeToValue(tree, type);
  }

  /** Parses JSON into a tree. */
  public static JsonNode tree(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /** A contract value as a tree, for example to embed it in another document. */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** Compact JSON of a contract value. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("contract types always serialize", e);
    }
  }

  /** A sample event bundled under {@code samples/}, as text. */
  public static String sample(String name) {
    try (var in = EventJson.class.getResourceAsStream("/samples/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample event named " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
