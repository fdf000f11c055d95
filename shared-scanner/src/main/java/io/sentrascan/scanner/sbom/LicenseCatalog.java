package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The licenses SentraScan recognises, their classes, and the key phrases that identify their texts:
 * data in {@code licenses.json} next to this class, loaded once. Matching works on a normalised
 * text ({@link #normalise}), so that line breaks, case, punctuation, bullets and copyright lines do
 * not matter; near relatives (MIT, ISC, BSD-2, BSD-3) are told apart by phrases only one of them
 * has and by each entry's {@code unless} phrases. Immutable and thread-safe.
 */
public final class LicenseCatalog {
  static final String RESOURCE = "licenses.json";

  /** A license of the catalog. */
  record Entry(
      String key,
      @Nullable String spdx,
      String name,
      LicenseClass licenseClass,
      List<String> aliases,
      List<Signature> signatures,
      List<String> unless,
      List<String> supersedes) {}

  /** Phrases that must all occur in a normalised text; {@code method} says what kind they are. */
  record Signature(String method, List<String> phrases) {}

  /** A license whose text was found, and through which signature. */
  record Match(Entry entry, String method) {}

  private static final LicenseCatalog DEFAULT = load();
  private static final Pattern BULLET =
      Pattern.compile("^(?:[-*\u2022]|\\(?[0-9a-z]{1,3}[.)])\\s+");

  /**
   * A copyright statement: "Copyright (c) 2024 Name", "(c) 2024", "© Name", "Copyright [yyyy]"; not
   * a line of license text that starts with the word ("copyright notice and this permission").
   */
  private static final Pattern COPYRIGHT_LINE =
      Pattern.compile("^(?:copyright\\b.*(?:\\(c\\)|\u00a9|[0-9]|\\[)|\\(c\\)|\u00a9)");

  private final String version;
  private final List<Entry> entries;
  private final Map<String, Entry> byAlias;

  private LicenseCatalog(String version, List<Entry> entries) {
    this.version = version;
    this.entries = List.copyOf(entries);
    Map<String, Entry> aliases = new HashMap<>();
    for (Entry e : entries) {
      aliases.putIfAbsent(e.key().toLowerCase(Locale.ROOT), e);
      if (e.spdx() != null) {
        aliases.putIfAbsent(e.spdx().toLowerCase(Locale.ROOT), e);
      }
      aliases.putIfAbsent(e.name().toLowerCase(Locale.ROOT), e);
      for (String a : e.aliases()) {
        aliases.putIfAbsent(a.toLowerCase(Locale.ROOT), e);
      }
    }
    this.byAlias = Collections.unmodifiableMap(aliases);
  }

  /** The catalog bundled with the scanner. */
  public static LicenseCatalog defaults() {
    return DEFAULT;
  }

  /** The version of the license data, for reports. */
  public String version() {
    return version;
  }

  /** The class of a license named by a card, a baseline or a policy; UNKNOWN when not listed. */
  public LicenseClass classOf(String value) {
    Entry e = lookup(value);
    return e == null ? LicenseClass.UNKNOWN : e.licenseClass();
  }

  List<Entry> entries() {
    return entries;
  }

  /** The entry a card value ({@code apache-2.0}, {@code llama3.1}, a name) stands for, or null. */
  @Nullable Entry lookup(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Entry e = byAlias.get(v);
    if (e == null) {
      e = byAlias.get(v.replace('_', '-'));
    }
    return e;
  }

  /**
   * Every license whose text occurs in {@code text}, in catalog order, minus those another match
   * supersedes. Empty when nothing matches.
   */
  List<Match> match(String text) {
    String normal = " " + normalise(text) + " ";
    Map<String, Match> found = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (containsAny(normal, e.unless())) {
        continue;
      }
      for (Signature s : e.signatures()) {
        if (containsAll(normal, s.phrases())) {
          found.put(e.key(), new Match(e, s.method()));
          break;
        }
      }
    }
    Set<String> superseded = new HashSet<>();
    for (Match m : found.values()) {
      superseded.addAll(m.entry().supersedes());
    }
    List<Match> out = new ArrayList<>();
    for (Match m : found.values()) {
      if (!superseded.contains(m.entry().key())) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Lower case; lines that start with a copyright statement dropped (holders and years differ from
   * copy to copy); list bullets ({@code 1.}, {@code (a)}, {@code -}) dropped; every run of
   * characters other than letters and digits one space. {@code Version 2.0} becomes {@code version
   * 2 0}, {@code and/or} becomes {@code and or}.
   */
  static String normalise(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (String line : text.toLowerCase(Locale.ROOT).split("\\R")) {
      String s = line.strip();
      // Markdown headings and emphasis, then bullets (twice: "1. (a) text")
      s = s.replaceFirst("^#+\\s*", "").replaceFirst("^[*_>]+\\s*", "");
      s = BULLET.matcher(s).replaceFirst("");
      s = BULLET.matcher(s).replaceFirst("");
      if (COPYRIGHT_LINE.matcher(s).find()) {
        continue;
      }
      sb.append(s).append(' ');
    }
    StringBuilder out = new StringBuilder(sb.length());
    boolean space = true;
    for (int i = 0; i < sb.length(); i++) {
      char c = sb.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
        space = false;
      } else if (!space) {
        out.append(' ');
        space = true;
      }
    }
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == ' ') {
      end--;
    }
    return out.substring(0, end);
  }

  private static boolean containsAll(String normal, List<String> phrases) {
    for (String p : phrases) {
      if (!normal.contains(" " + p + " ")) {
        return false;
      }
    }
    return !phrases.isEmpty();
  }

  private static boolean containsAny(String normal, List<String> phrases) {
    for (String p : phrases) {
      if (normal.contains(" " + p + " ")) {
        return true;
      }
    }
    return false;
  }

  private static LicenseCatalog load() {
    try (InputStream in = LicenseCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("license data missing: " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<Entry> entries = new ArrayList<>();
      for (JsonNode n : root.path("licenses")) {
        String cls = n.path("class").asText();
        LicenseClass licenseClass = LicenseClass.parse(cls);
        if (licenseClass == null) {
          throw new IllegalStateException("unknown license class " + cls + " in " + RESOURCE);
        }
        List<Signature> signatures = new ArrayList<>();
        for (JsonNode s : n.path("signatures")) {
          signatures.add(new Signature(s.path("method").asText(), texts(s.path("phrases"))));
        }
        entries.add(
            new Entry(
                n.path("key").asText(),
                n.path("spdx").isTextual() ? n.path("spdx").asText() : null,
                n.path("name").asText(),
                licenseClass,
                texts(n.path("aliases")),
                List.copyOf(signatures),
                texts(n.path("unless")),
                texts(n.path("supersedes"))));
      }
      return new LicenseCatalog(root.path("version").asText(), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : array) {
      out.add(t.asText());
    }
    return List.copyOf(out);
  }
}
