package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Finding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * What {@code sbom diff} compares in a CycloneDX BOM (JSON or XML, any 1.x version): the model or
 * main component, every component (nested ones included) with its version, purl, hashes and
 * licenses, and every vulnerability with its severity and affected refs.
 *
 * <p>It is read with Jackson's tree model and the JDK's DOM parser (DTDs refused) rather than
 * cyclonedx-core-java's parsers: those reject some valid 1.6 XML (model-card datasets), and a diff
 * must read whatever valid BOM it is given, including BOMs from other tools.
 *
 * @param model {@code metadata.component}, or null
 * @param components every component, depth first, in document order
 * @param vulnerabilities every vulnerability, in document order
 */
public record BomContents(
    @Nullable Component model, List<Component> components, List<Vulnerability> vulnerabilities) {

  /** Larger files are refused rather than read into memory. */
  public static final long MAX_BYTES = 512L << 20;

  private static final List<String> SEVERITIES =
      List.of("critical", "high", "medium", "low", "info", "none", "unknown");

  public BomContents {
    components = List.copyOf(components);
    vulnerabilities = List.copyOf(vulnerabilities);
  }

  /**
   * One component.
   *
   * @param ref its bom-ref, or null
   * @param type the CycloneDX type, for example {@code file} or {@code library}
   * @param group its group, or null
   * @param name its name
   * @param version its version, or null
   * @param purl its package URL, or null
   * @param hashes algorithm (as CycloneDX spells it, {@code SHA-256}) to hex content
   * @param licenses SPDX ids, license names and expressions
   */
  public record Component(
      @Nullable String ref,
      String type,
      @Nullable String group,
      String name,
      @Nullable String version,
      @Nullable String purl,
      SortedMap<String, String> hashes,
      SortedSet<String> licenses) {
    public Component {
      hashes = Collections.unmodifiableSortedMap(new TreeMap<>(hashes));
      licenses = Collections.unmodifiableSortedSet(new TreeSet<>(licenses));
    }
  }

  /**
   * One vulnerability.
   *
   * @param id its id (its bom-ref when it has none)
   * @param severity the most severe of its ratings, in lower case, or {@code unknown}
   * @param affects the refs it affects
   */
  public record Vulnerability(String id, String severity, SortedSet<String> affects) {
    public Vulnerability {
      affects = Collections.unmodifiableSortedSet(new TreeSet<>(affects));
    }
  }

  /** Reads a BOM file, JSON or XML by its content. */
  public static BomContents read(Path file) throws InvalidBomException {
    if (Files.isDirectory(file)) {
      throw new InvalidBomException(file + " is a folder, not a BOM file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES + 1));
    } catch (NoSuchFileException e) {
      throw new InvalidBomException("no such file: " + file);
    } catch (IOException e) {
      throw new InvalidBomException("cannot read " + file + ": " + oneLine(e.getMessage()));
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidBomException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    try {
      return parse(bytes);
    } catch (InvalidBomException e) {
      throw new InvalidBomException(file + ": " + e.getMessage());
    }
  }

  /** Parses a BOM, JSON or XML by its first non-blank character. */
  public static BomContents parse(byte[] bytes) throws InvalidBomException {
    int i = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      i = 3; // UTF-8 byte order mark
    }
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    if (i == bytes.length) {
      throw new InvalidBomException("the file is empty");
    }
    return switch (bytes[i]) {
      case '{' -> Json.parse(bytes);
      case '<' -> Xml.parse(bytes);
      default -> throw new InvalidBomException("not a CycloneDX BOM: neither JSON nor XML");
    };
  }

  /** Deeper nesting is refused: real BOMs nest a few levels, and recursion must stay bounded. */
  static final int MAX_DEPTH = 64;

  private static void checkDepth(int depth) throws InvalidBomException {
    if (depth > MAX_DEPTH) {
      throw new InvalidBomException(
          "components are nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  static String mostSevere(List<String> severities) {
    String best = "unknown";
    for (String s : severities) {
      String v = s.toLowerCase(Locale.ROOT);
      int rank = SEVERITIES.indexOf(v);
      if (rank >= 0 && rank < SEVERITIES.indexOf(best)) {
        best = v;
      }
    }
    return best;
  }

  private static String oneLine(@Nullable String message) {
    if (message == null) {
      return "unknown error";
    }
    // Parser messages quote the hostile file: one line, printable, bounded.
    return Finding.printable(message.lines().findFirst().orElse("").strip(), 300);
  }

  /** CycloneDX JSON through Jackson's tree model. */
  private static final class Json {
    private static final ObjectMapper MAPPER =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static BomContents parse(byte[] bytes) throws InvalidBomException {
      JsonNode root;
      try {
        root = MAPPER.readTree(bytes);
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        throw new InvalidBomException(
            "not valid JSON: "
                + oneLine(e.getOriginalMessage())
                + (at == null
                    ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
      } catch (IOException e) {
        throw new InvalidBomException("not valid JSON: " + oneLine(e.getMessage()));
      }
      if (root == null || !root.isObject()) {
        throw new InvalidBomException("not a CycloneDX BOM: the JSON is not an object");
      }
      if (!"CycloneDX".equals(root.path("bomFormat").asText(null))) {
        throw new InvalidBomException("not a CycloneDX BOM: bomFormat is not \"CycloneDX\"");
      }
      if (!root.path("specVersion").isTextual()) {
        throw new InvalidBomException("not a CycloneDX BOM: specVersion is missing");
      }
      JsonNode model = root.path("metadata").path("component");
      List<Component> components = new ArrayList<>();
      components(root.path("components"), components, 0);
      List<Vulnerability> vulnerabilities = new ArrayList<>();
      for (JsonNode v : array(root.path("vulnerabilities"), "vulnerabilities")) {
        List<String> severities = new ArrayList<>();
        for (JsonNode r : array(v.path("ratings"), "ratings")) {
          severities.add(r.path("severity").asText(""));
        }
        SortedSet<String> affects = new TreeSet<>();
        for (JsonNode a : array(v.path("affects"), "affects")) {
          if (a.path("ref").isTextual()) {
            affects.add(a.path("ref").asText());
          }
        }
        String id = text(v, "id");
        if (id == null) {
          id = text(v, "bom-ref");
        }
        if (id == null) {
          throw new InvalidBomException("a vulnerability has neither an id nor a bom-ref");
        }
        vulnerabilities.add(new Vulnerability(id, mostSevere(severities), affects));
      }
      return new BomContents(
          model.isObject() ? component(model) : null, components, vulnerabilities);
    }

    private static void components(JsonNode array, List<Component> out, int depth)
        throws InvalidBomException {
      checkDepth(depth);
      for (JsonNode c : array(array, "components")) {
        out.add(component(c));
        components(c.path("components"), out, depth + 1);
      }
    }

    private static Component component(JsonNode c) throws InvalidBomException {
      if (!c.isObject()) {
        throw new InvalidBomException("a component is not a JSON object");
      }
      String name = text(c, "name");
      if (name == null) {
        throw new InvalidBomException("a component has no name");
      }
      SortedMap<String, String> hashes = new TreeMap<>();
      for (JsonNode h : array(c.path("hashes"), "hashes")) {
        String alg = text(h, "alg");
        String content = text(h, "content");
        if (alg != null && content != null) {
          hashes.put(alg, content.toLowerCase(Locale.ROOT));
        }
      }
      SortedSet<String> licenses = new TreeSet<>();
      for (JsonNode l : array(c.path("licenses"), "licenses")) {
        String value =
            firstNonNull(
                text(l.path("license"), "id"),
                text(l.path("license"), "name"),
                text(l, "expression"));
        if (value != null) {
          licenses.add(value);
        }
      }
      return new Component(
          text(c, "bom-ref"),
          firstNonNull(text(c, "type"), "unknown"),
          text(c, "group"),
          name,
          text(c, "version"),
          text(c, "purl"),
          hashes,
          licenses);
    }

    private static Iterable<JsonNode> array(JsonNode node, String where)
        throws InvalidBomException {
      if (node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw new InvalidBomException("\"" + where + "\" is not an array");
      }
      return node;
    }

    private static @Nullable String text(JsonNode node, String field) {
      JsonNode v = node.get(field);
      return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }
  }

  /** CycloneDX XML through the JDK's DOM parser, with DTDs and external entities refused. */
  private static final class Xml {
    /** Errors become the exception that is reported; nothing is printed. */
    private static final ErrorHandler SILENT =
        new ErrorHandler() {
          @Override
          public void warning(SAXParseException e) {}

          @Override
          public void error(SAXParseException e) throws SAXParseException {
            throw e;
          }

          @Override
          public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
          }
        };

    static BomContents parse(byte[] bytes) throws InvalidBomException {
      Document doc;
      try {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        DocumentBuilder builder = f.newDocumentBuilder();
        builder.setErrorHandler(SILENT); // the default handler prints to stderr
        doc = builder.parse(new ByteArrayInputStream(bytes));
      } catch (SAXParseException e) {
        throw new InvalidBomException(
            "not valid XML: "
                + oneLine(e.getMessage())
                + " (line "
                + e.getLineNumber()
                + ", column "
                + e.getColumnNumber()
                + ")");
      } catch (SAXException | IOException e) {
        throw new InvalidBomException("not valid XML: " + oneLine(e.getMessage()));
      } catch (ParserConfigurationException e) {
        throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
      }
      Element root = doc.getDocumentElement();
      String ns = root.getNamespaceURI();
      if (!"bom".equals(root.getLocalName())
          || ns == null
          || !ns.startsWith("http://cyclonedx.org/schema/bom/")) {
        throw new InvalidBomException(
            "not a CycloneDX BOM: the root element is not <bom> in a CycloneDX namespace");
      }
      Element metadata = child(root, "metadata");
      Element model = metadata == null ? null : child(metadata, "component");
      List<Component> components = new ArrayList<>();
      components(child(root, "components"), components, 0);
      List<Vulnerability> vulnerabilities = new ArrayList<>();
      for (Element v : children(child(root, "vulnerabilities"), "vulnerability")) {
        List<String> severities = new ArrayList<>();
        for (Element r : children(child(v, "ratings"), "rating")) {
          String s = childText(r, "severity");
          if (s != null) {
            severities.add(s);
          }
        }
        SortedSet<String> affects = new TreeSet<>();
        for (Element t : children(child(v, "affects"), "target")) {
          String ref = childText(t, "ref");
          if (ref != null) {
            affects.add(ref);
          }
        }
        String id = firstNonNull(childText(v, "id"), attribute(v, "bom-ref"));
        if (id == null) {
          throw new InvalidBomException("a vulnerability has neither an id nor a bom-ref");
        }
        vulnerabilities.add(new Vulnerability(id, mostSevere(severities), affects));
      }
      return new BomContents(model == null ? null : component(model), components, vulnerabilities);
    }

    private static void components(@Nullable Element list, List<Component> out, int depth)
        throws InvalidBomException {
      checkDepth(depth);
      for (Element c : children(list, "component")) {
        out.add(component(c));
        components(child(c, "components"), out, depth + 1);
      }
    }

    private static Component component(Element c) throws InvalidBomException {
      String name = childText(c, "name");
      if (name == null) {
        throw new InvalidBomException("a component has no name");
      }
      SortedMap<String, String> hashes = new TreeMap<>();
      for (Element h : children(child(c, "hashes"), "hash")) {
        String alg = attribute(h, "alg");
        String content = h.getTextContent();
        if (alg != null && content != null && !content.isBlank()) {
          hashes.put(alg, content.strip().toLowerCase(Locale.ROOT));
        }
      }
      SortedSet<String> licenses = new TreeSet<>();
      Element licenseList = child(c, "licenses");
      for (Element l : children(licenseList, "license")) {
        String value = firstNonNull(childText(l, "id"), childText(l, "name"));
        if (value != null) {
          licenses.add(value);
        }
      }
      for (Element e : children(licenseList, "expression")) {
        if (!e.getTextContent().isBlank()) {
          licenses.add(e.getTextContent().strip());
        }
      }
      return new Component(
          attribute(c, "bom-ref"),
          firstNonNull(attribute(c, "type"), "unknown"),
          childText(c, "group"),
          name,
          childText(c, "version"),
          childText(c, "purl"),
          hashes,
          licenses);
    }

    private static @Nullable Element child(@Nullable Element parent, String localName) {
      List<Element> all = children(parent, localName);
      return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(@Nullable Element parent, String localName) {
      List<Element> out = new ArrayList<>();
      if (parent == null) {
        return out;
      }
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && localName.equals(e.getLocalName())) {
          out.add(e);
        }
      }
      return out;
    }

    private static @Nullable String childText(Element parent, String localName) {
      Element e = child(parent, localName);
      if (e == null) {
        return null;
      }
      String text = e.getTextContent().strip();
      return text.isEmpty() ? null : text;
    }

    private static @Nullable String attribute(Element e, String name) {
      return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }
  }

  @SafeVarargs
  private static <T> @Nullable T firstNonNull(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
