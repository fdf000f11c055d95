package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.Finding;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What changed between two BOMs: components added, removed or changed (type, version, purl, hashes,
 * licenses; name too for the model), and vulnerabilities new, resolved or changed (severity,
 * affected refs). Serial numbers, timestamps and tool versions are not compared.
 *
 * <p>Components are matched by their purl without its version, else by group and name: SentraScan
 * names files relative to the scanned folder, so the same file in two scans has the same key. The
 * model ({@code metadata.component}) is matched with the model.
 *
 * @param addedComponents in the new BOM only, sorted by key
 * @param removedComponents in the old BOM only, sorted by key
 * @param changedComponents in both but different, sorted by key
 * @param addedVulnerabilities in the new BOM only, sorted by id
 * @param removedVulnerabilities in the old BOM only (resolved), sorted by id
 * @param changedVulnerabilities in both but different, sorted by id
 */
public record BomDiff(
    List<BomContents.Component> addedComponents,
    List<BomContents.Component> removedComponents,
    List<ComponentChange> changedComponents,
    List<BomContents.Vulnerability> addedVulnerabilities,
    List<BomContents.Vulnerability> removedVulnerabilities,
    List<VulnerabilityChange> changedVulnerabilities) {

  /** The key under which the model is matched. */
  static final String MODEL_KEY = "(model)";

  /** Text from a BOM is shown at most this long, with control characters escaped. */
  private static final int MAX_SHOWN = 512;

  public BomDiff {
    addedComponents = List.copyOf(addedComponents);
    removedComponents = List.copyOf(removedComponents);
    changedComponents = List.copyOf(changedComponents);
    addedVulnerabilities = List.copyOf(addedVulnerabilities);
    removedVulnerabilities = List.copyOf(removedVulnerabilities);
    changedVulnerabilities = List.copyOf(changedVulnerabilities);
  }

  /** One field that differs; null on a side where it is absent. */
  public record Change(String field, @Nullable String before, @Nullable String after) {}

  /** A component present in both BOMs whose fields differ (shown as it is in the new BOM). */
  public record ComponentChange(String key, BomContents.Component after, List<Change> changes) {
    public ComponentChange {
      changes = List.copyOf(changes);
    }
  }

  /** A vulnerability present in both BOMs whose severity or affected refs differ. */
  public record VulnerabilityChange(String id, List<Change> changes) {
    public VulnerabilityChange {
      changes = List.copyOf(changes);
    }
  }

  /** Compares {@code before} with {@code after}. */
  public static BomDiff between(BomContents before, BomContents after) {
    SortedMap<String, BomContents.Component> old = byKey(before);
    SortedMap<String, BomContents.Component> now = byKey(after);
    List<BomContents.Component> added = new ArrayList<>();
    List<BomContents.Component> removed = new ArrayList<>();
    List<ComponentChange> changed = new ArrayList<>();
    for (Map.Entry<String, BomContents.Component> e : now.entrySet()) {
      BomContents.Component was = old.get(e.getKey());
      if (was == null) {
        added.add(e.getValue());
      } else {
        List<Change> changes = changes(was, e.getValue(), e.getKey().equals(MODEL_KEY));
        if (!changes.isEmpty()) {
          changed.add(new ComponentChange(e.getKey(), e.getValue(), changes));
        }
      }
    }
    old.forEach(
        (key, c) -> {
          if (!now.containsKey(key)) {
            removed.add(c);
          }
        });

    SortedMap<String, BomContents.Vulnerability> oldV = byId(before);
    SortedMap<String, BomContents.Vulnerability> newV = byId(after);
    List<BomContents.Vulnerability> addedV = new ArrayList<>();
    List<BomContents.Vulnerability> removedV = new ArrayList<>();
    List<VulnerabilityChange> changedV = new ArrayList<>();
    newV.forEach(
        (id, v) -> {
          BomContents.Vulnerability was = oldV.get(id);
          if (was == null) {
            addedV.add(v);
          } else {
            List<Change> changes = new ArrayList<>();
            compare(changes, "severity", was.severity(), v.severity());
            compare(
                changes,
                "affects",
                String.join(", ", was.affects()),
                String.join(", ", v.affects()));
            if (!changes.isEmpty()) {
              changedV.add(new VulnerabilityChange(id, changes));
            }
          }
        });
    oldV.forEach(
        (id, v) -> {
          if (!newV.containsKey(id)) {
            removedV.add(v);
          }
        });
    return new BomDiff(added, removed, changed, addedV, removedV, changedV);
  }

  /** True when nothing that is compared differs. */
  public boolean isEmpty() {
    return addedComponents.isEmpty()
        && removedComponents.isEmpty()
        && changedComponents.isEmpty()
        && addedVulnerabilities.isEmpty()
        && removedVulnerabilities.isEmpty()
        && changedVulnerabilities.isEmpty();
  }

  /** A component's key: its purl without version, else its group and name. */
  static String key(BomContents.Component c) {
    if (c.purl() != null && !c.purl().isBlank()) {
      return purlWithoutVersion(c.purl());
    }
    return (c.group() == null ? "" : c.group() + "/") + c.name();
  }

  static String purlWithoutVersion(String purl) {
    int end = purl.length();
    for (char stop : new char[] {'?', '#'}) {
      int i = purl.indexOf(stop);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String head = purl.substring(0, end);
    int at = head.lastIndexOf('@');
    int slash = head.lastIndexOf('/');
    return (at > slash ? head.substring(0, at) : head) + purl.substring(end);
  }

  private static SortedMap<String, BomContents.Component> byKey(BomContents bom) {
    SortedMap<String, BomContents.Component> out = new TreeMap<>();
    if (bom.model() != null) {
      out.put(MODEL_KEY, bom.model());
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (BomContents.Component c : bom.components()) {
      String key = key(c);
      int n = seen.merge(key, 1, Integer::sum);
      // A BOM may list one name twice (two versions of a library): keep both, in document order.
      out.put(n == 1 ? key : key + " #" + n, c);
    }
    return out;
  }

  private static SortedMap<String, BomContents.Vulnerability> byId(BomContents bom) {
    SortedMap<String, BomContents.Vulnerability> out = new TreeMap<>();
    for (BomContents.Vulnerability v : bom.vulnerabilities()) {
      BomContents.Vulnerability was = out.get(v.id());
      if (was == null) {
        out.put(v.id(), v);
      } else {
        // One id listed per affected component by some tools: merge them.
        SortedSet<String> affects = new TreeSet<>(was.affects());
        affects.addAll(v.affects());
        out.put(
            v.id(),
            new BomContents.Vulnerability(
                v.id(), BomContents.mostSevere(List.of(was.severity(), v.severity())), affects));
      }
    }
    return out;
  }

  private static List<Change> changes(
      BomContents.Component was, BomContents.Component now, boolean model) {
    List<Change> out = new ArrayList<>();
    if (model) {
      compare(out, "name", was.name(), now.name());
    }
    compare(out, "type", was.type(), now.type());
    compare(out, "version", was.version(), now.version());
    compare(out, "purl", was.purl(), now.purl());
    SortedSet<String> common = new TreeSet<>(was.hashes().keySet());
    common.retainAll(now.hashes().keySet());
    if (common.isEmpty()) {
      // Nothing to compare like with like: report only that one side has hashes and the other not.
      if (was.hashes().isEmpty() != now.hashes().isEmpty()) {
        compare(out, "hashes", algorithms(was.hashes()), algorithms(now.hashes()));
      }
    } else {
      for (String alg : common) {
        compare(out, "hash " + alg, was.hashes().get(alg), now.hashes().get(alg));
      }
    }
    if (!was.licenses().equals(now.licenses())) {
      out.add(new Change("licenses", licenses(was.licenses()), licenses(now.licenses())));
    }
    return out;
  }

  private static @Nullable String algorithms(SortedMap<String, String> hashes) {
    return hashes.isEmpty() ? null : String.join(", ", hashes.keySet());
  }

  private static @Nullable String licenses(SortedSet<String> licenses) {
    return licenses.isEmpty() ? null : String.join(", ", licenses);
  }

  private static void compare(
      List<Change> out, String field, @Nullable String before, @Nullable String after) {
    String b = before == null || before.isEmpty() ? null : before;
    String a = after == null || after.isEmpty() ? null : after;
    if (!Objects.equals(b, a)) {
      out.add(new Change(field, b, a));
    }
  }

  // ---------------------------------------------------------------- output

  /** For people: a summary line, then one line per difference; "No differences." when none. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "Components: %d added, %d removed, %d changed. Vulnerabilities: %d new, %d resolved,"
                + " %d changed.\n",
            addedComponents.size(),
            removedComponents.size(),
            changedComponents.size(),
            addedVulnerabilities.size(),
            removedVulnerabilities.size(),
            changedVulnerabilities.size()));
    if (isEmpty()) {
      sb.append("No differences.\n");
      return sb.toString();
    }
    for (BomContents.Component c : addedComponents) {
      sb.append("+ ").append(describe(c)).append('\n');
    }
    for (BomContents.Component c : removedComponents) {
      sb.append("- ").append(describe(c)).append('\n');
    }
    for (ComponentChange c : changedComponents) {
      sb.append("~ ").append(describe(c.after())).append('\n');
      for (Change change : c.changes()) {
        sb.append("    ").append(describe(change)).append('\n');
      }
    }
    for (BomContents.Vulnerability v : addedVulnerabilities) {
      sb.append("+ vulnerability ").append(describe(v)).append('\n');
    }
    for (BomContents.Vulnerability v : removedVulnerabilities) {
      sb.append("- vulnerability ").append(describe(v)).append(" (resolved)\n");
    }
    for (VulnerabilityChange v : changedVulnerabilities) {
      sb.append("~ vulnerability ").append(shown(v.id())).append('\n');
      for (Change change : v.changes()) {
        sb.append("    ").append(describe(change)).append('\n');
      }
    }
    return sb.toString();
  }

  /** For machines: the same content as JSON, pretty-printed with a final newline. */
  public String toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("identical", isEmpty());
    ObjectNode components = root.putObject("components");
    ArrayNode added = components.putArray("added");
    addedComponents.forEach(c -> added.add(json(c)));
    ArrayNode removed = components.putArray("removed");
    removedComponents.forEach(c -> removed.add(json(c)));
    ArrayNode changed = components.putArray("changed");
    for (ComponentChange c : changedComponents) {
      ObjectNode n = json(c.after());
      n.put("key", c.key());
      n.set("changes", json(c.changes()));
      changed.add(n);
    }
    ObjectNode vulnerabilities = root.putObject("vulnerabilities");
    ArrayNode addedV = vulnerabilities.putArray("added");
    addedVulnerabilities.forEach(v -> addedV.add(json(v)));
    ArrayNode removedV = vulnerabilities.putArray("removed");
    removedVulnerabilities.forEach(v -> removedV.add(json(v)));
    ArrayNode changedV = vulnerabilities.putArray("changed");
    for (VulnerabilityChange v : changedVulnerabilities) {
      ObjectNode n = changedV.addObject();
      n.put("id", v.id());
      n.set("changes", json(v.changes()));
    }
    StringWriter out = new StringWriter();
    try {
      MlBomWriter.writeJson(root, out);
    } catch (IOException e) {
      throw new IllegalStateException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  private static ObjectNode json(BomContents.Component c) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("key", key(c));
    n.put("type", c.type());
    n.put("name", c.name());
    putIfPresent(n, "group", c.group());
    putIfPresent(n, "version", c.version());
    putIfPresent(n, "purl", c.purl());
    putIfPresent(n, "bom-ref", c.ref());
    return n;
  }

  private static ObjectNode json(BomContents.Vulnerability v) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", v.id());
    n.put("severity", v.severity());
    ArrayNode affects = n.putArray("affects");
    v.affects().forEach(affects::add);
    return n;
  }

  private static ArrayNode json(List<Change> changes) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Change c : changes) {
      ObjectNode n = out.addObject();
      n.put("field", c.field());
      n.put("before", c.before());
      n.put("after", c.after());
    }
    return out;
  }

  private static void putIfPresent(ObjectNode n, String field, @Nullable String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private static String describe(BomContents.Component c) {
    StringBuilder sb = new StringBuilder(shown(c.type())).append(' ');
    if (c.purl() != null) {
      sb.append(shown(c.purl()));
    } else {
      sb.append(shown(c.group() == null ? c.name() : c.group() + "/" + c.name()));
      if (c.version() != null) {
        sb.append(' ').append(shown(c.version()));
      }
    }
    return sb.toString();
  }

  private static String describe(BomContents.Vulnerability v) {
    return shown(v.id())
        + " ("
        + v.severity()
        + ")"
        + (v.affects().isEmpty() ? "" : " affects " + shown(String.join(", ", v.affects())));
  }

  private static String describe(Change c) {
    return c.field()
        + ": "
        + (c.before() == null ? "(none)" : shown(c.before()))
        + " -> "
        + (c.after() == null ? "(none)" : shown(c.after()));
  }

  /** BOM text may come from anywhere: escape control characters so a terminal shows, not obeys. */
  private static String shown(String text) {
    return Finding.printable(text, MAX_SHOWN);
  }
}
