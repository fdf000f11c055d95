package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a model does when its card does not say: the task implied by a Hugging Face architecture
 * name and the input and output formats of a task. The tables are data ({@code tasks.json}).
 */
final class TaskCatalog {
  static final String RESOURCE = "tasks.json";
  private static final TaskCatalog DEFAULT = load();

  /** Suffix to task, longest suffix first, so that the most specific name wins. */
  private final List<Map.Entry<String, String>> suffixes;

  private final Map<String, List<String>> inputs;
  private final Map<String, List<String>> outputs;

  private TaskCatalog(
      List<Map.Entry<String, String>> suffixes,
      Map<String, List<String>> inputs,
      Map<String, List<String>> outputs) {
    this.suffixes = suffixes;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  static TaskCatalog defaults() {
    return DEFAULT;
  }

  /** The task of an architecture such as {@code BertForSequenceClassification}, or null. */
  @Nullable String taskOf(String architecture) {
    for (Map.Entry<String, String> e : suffixes) {
      if (architecture.endsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  List<String> inputsOf(String task) {
    return inputs.getOrDefault(task, List.of());
  }

  List<String> outputsOf(String task) {
    return outputs.getOrDefault(task, List.of());
  }

  private static TaskCatalog load() {
    try (InputStream in = TaskCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<Map.Entry<String, String>> suffixes =
          new ArrayList<>(PythonPackages.table(root.path("architectureSuffixes")).entrySet());
      suffixes.sort(
          Comparator.comparing((Map.Entry<String, String> e) -> -e.getKey().length())
              .thenComparing(Map.Entry::getKey));
      Map<String, List<String>> inputs = new TreeMap<>();
      Map<String, List<String>> outputs = new TreeMap<>();
      root.path("tasks")
          .properties()
          .forEach(
              e -> {
                inputs.put(e.getKey(), texts(e.getValue().path("inputs")));
                outputs.put(e.getKey(), texts(e.getValue().path("outputs")));
              });
      return new TaskCatalog(
          List.copyOf(suffixes),
          Collections.unmodifiableMap(inputs),
          Collections.unmodifiableMap(outputs));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
