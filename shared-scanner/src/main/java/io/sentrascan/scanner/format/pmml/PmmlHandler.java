package io.sentrascan.scanner.format.pmml;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.text.TextFindings;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.ext.DeclHandler;
import org.xml.sax.ext.LexicalHandler;
import org.xml.sax.helpers.DefaultHandler;

/** Collects what the PMML rules look at while SAX streams the document. Not thread-safe. */
final class PmmlHandler extends DefaultHandler implements LexicalHandler, DeclHandler {
  static final int MAX_DEPTH = 256;
  private static final int MAX_FINDINGS_PER_RULE = 50;
  private static final int MAX_EXTENSION_TEXT = 64 * 1024;
  private static final String XINCLUDE_NS = "http://www.w3.org/2001/XInclude";

  /** Code a PMML engine could load or run: scripts, imports, Java or Python qualified names. */
  private static final Pattern CODE =
      Pattern.compile(
          "(?i)(<script|\\bimport\\s+\\w|\\bexec\\s*\\(|\\beval\\s*\\(|__import__|os\\.system|subprocess"
              + "|Runtime\\.getRuntime|ProcessBuilder|ScriptEngine|\\blambda\\b|\\bdef\\s+\\w+\\s*\\("
              + "|java\\.lang\\.|javascript:|groovy|\\bpython\\b|\\bjython\\b)"
              + "|\\b[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)+\\.[A-Z]\\w*\\b");

  /** A function name that reads as a Java or Python qualified name. */
  private static final Pattern QUALIFIED =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+");

  /** PMML 4.4 built-in functions (section "Built-in Functions"). */
  private static final Set<String> BUILT_IN =
      Set.of(
          "+",
          "-",
          "*",
          "/",
          "min",
          "max",
          "sum",
          "avg",
          "median",
          "product",
          "log10",
          "ln",
          "sqrt",
          "abs",
          "exp",
          "pow",
          "threshold",
          "floor",
          "ceil",
          "round",
          "modulo",
          "isMissing",
          "isNotMissing",
          "isValid",
          "isNotValid",
          "equal",
          "notEqual",
          "lessThan",
          "lessOrEqual",
          "greaterThan",
          "greaterOrEqual",
          "and",
          "or",
          "not",
          "isIn",
          "isNotIn",
          "if",
          "uppercase",
          "lowercase",
          "stringLength",
          "substring",
          "trimBlanks",
          "concat",
          "replace",
          "matches",
          "formatNumber",
          "formatDatetime",
          "dateDaysSinceYear",
          "dateSecondsSinceYear",
          "dateSecondsSinceMidnight",
          "normalCDF",
          "normalPDF",
          "stdNormalCDF",
          "stdNormalPDF",
          "erf",
          "normalIDF",
          "stdNormalIDF",
          "expm1",
          "hypot",
          "ln1p",
          "rint",
          "sin",
          "cos",
          "tan",
          "asin",
          "acos",
          "atan",
          "atan2",
          "sinh",
          "cosh",
          "tanh");

  private record Call(String function, Location location) {}

  private final ScanContext context;
  private final TextFindings text;
  private final Deque<String> path = new ArrayDeque<>();
  private final Set<String> defined = new HashSet<>();
  private final List<Call> calls = new ArrayList<>();
  private Location extensionAt;
  private @Nullable Locator locator;
  private int extensionDepth;
  private int extensionChildren;
  private String extensionAttributes = "";
  private final StringBuilder extensionText = new StringBuilder();
  private final StringBuilder annotation = new StringBuilder();
  private Location annotationAt;
  private int extensions;
  private int doctypeFindings;
  private int xincludes;
  private boolean rootSeen;

  PmmlHandler(ScanContext context, TextFindings text) {
    this.context = context;
    this.text = text;
    this.extensionAt = context.at(-1);
    this.annotationAt = extensionAt;
  }

  @Override
  public void setDocumentLocator(Locator locator) {
    this.locator = locator;
  }

  private Location here() {
    String where = "/" + String.join("/", (Iterable<String>) path::descendingIterator);
    if (locator == null) {
      return context.at(-1, where);
    }
    return context.at(-1, "line " + locator.getLineNumber() + " " + where);
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes atts)
      throws SAXException {
    context.checkDeadline();
    String name = localName.isEmpty() ? qName : localName;
    if (!rootSeen) {
      rootSeen = true;
      if (!name.equals("PMML")) {
        throw new SAXException("the root element is " + name + ", not PMML");
      }
      context.addProperty("pmml.namespace", uri.isEmpty() ? "(none)" : uri);
      String version = atts.getValue("version");
      if (version != null) {
        context.addProperty("pmml.version", version);
      }
    }
    path.push(name);
    if (path.size() > MAX_DEPTH) {
      throw new SAXException("elements nest deeper than " + MAX_DEPTH);
    }
    if (XINCLUDE_NS.equals(uri)) {
      if (xincludes++ < MAX_FINDINGS_PER_RULE) {
        context.report(
            "PMML-004",
            here(),
            "The document includes another resource with XInclude (not followed).",
            "xi:" + name + " href=" + atts.getValue("href"));
      }
      return;
    }
    if (extensionDepth > 0) {
      extensionDepth++;
      extensionChildren++;
      appendExtension(" <" + name + attributes(atts) + ">");
      return;
    }
    switch (name) {
      case "Header", "Application" -> {
        String attrs = attributes(atts);
        if (!attrs.isEmpty()) {
          text.scan(attrs, context, here());
        }
      }
      case "Annotation" -> {
        annotation.setLength(0);
        annotationAt = here();
      }
      case "Extension" -> {
        extensionDepth = 1;
        extensionChildren = 0;
        extensionText.setLength(0);
        extensionAttributes = attributes(atts);
        extensionAt = here();
      }
      case "DefineFunction" -> {
        String fn = atts.getValue("name");
        if (fn != null) {
          defined.add(fn);
        }
      }
      case "Apply" -> {
        String fn = atts.getValue("function");
        if (fn != null && calls.size() < 10_000) {
          calls.add(new Call(fn, here()));
        }
      }
      default -> {}
    }
  }

  @Override
  public void endElement(String uri, String localName, String qName) {
    if (extensionDepth > 0 && --extensionDepth == 0) {
      reportExtension();
    } else if (extensionDepth == 0 && "Annotation".equals(path.peek())) {
      text.scan(annotation, context, annotationAt);
      annotation.setLength(0);
    }
    path.poll();
  }

  @Override
  public void characters(char[] ch, int start, int length) {
    if (extensionDepth > 0) {
      appendExtension(new String(ch, start, length));
    } else if ("Annotation".equals(path.peek())) {
      annotation.append(ch, start, Math.min(length, MAX_EXTENSION_TEXT - annotation.length()));
    }
  }

  private void appendExtension(String s) {
    int room = MAX_EXTENSION_TEXT - extensionText.length();
    if (room > 0) {
      extensionText.append(s, 0, Math.min(room, s.length()));
    }
  }

  private void reportExtension() {
    String body = extensionText.toString().strip();
    String all = extensionAttributes + " " + body;
    if (extensions++ < MAX_FINDINGS_PER_RULE) {
      Severity severity;
      String what;
      if (CODE.matcher(all).find()) {
        severity = Severity.HIGH;
        what = "holds what looks like code (a script, an import or a class name)";
      } else if (extensionChildren > 0 || !body.isEmpty()) {
        severity = Severity.MEDIUM;
        what = "carries vendor content a PMML engine may interpret";
      } else {
        severity = Severity.LOW;
        what = "holds only name/value metadata";
      }
      context.report(
          "PMML-002",
          severity,
          extensionAt,
          "A vendor Extension element" + extensionAttributes + " " + what + ".",
          all.strip());
    }
    text.scan(all, context, extensionAt);
  }

  private static String attributes(Attributes atts) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < atts.getLength() && sb.length() < 1024; i++) {
      sb.append(' ').append(atts.getQName(i)).append("=\"").append(atts.getValue(i)).append('"');
    }
    return sb.toString();
  }

  /** Reports what can only be judged at the end: calls to functions never defined. */
  void finish() {
    int reported = 0;
    for (Call call : calls) {
      String fn = call.function();
      if (BUILT_IN.contains(fn) || defined.contains(fn) || fn.startsWith("x-")) {
        continue;
      }
      if (reported++ >= MAX_FINDINGS_PER_RULE) {
        break;
      }
      boolean qualified = QUALIFIED.matcher(fn).matches();
      context.report(
          "PMML-003",
          qualified ? Severity.HIGH : Severity.MEDIUM,
          call.location(),
          "Apply calls "
              + fn
              + (qualified
                  ? ", which reads as a Java or Python qualified name an engine may load as code."
                  : ", which is neither a PMML built-in nor defined by a DefineFunction."),
          "function=\"" + fn + "\"");
    }
  }

  // DTD and entities: reported, never resolved.

  @Override
  public InputSource resolveEntity(String publicId, String systemId) {
    return new InputSource(new StringReader(""));
  }

  @Override
  public void startDTD(String name, String publicId, String systemId) {
    doctype(
        "The document has a DOCTYPE"
            + (systemId == null ? "" : " with an external DTD " + systemId)
            + "; a DTD is what XXE and entity-expansion attacks need.",
        "<!DOCTYPE " + name + (systemId == null ? "" : " SYSTEM \"" + systemId + "\"") + ">");
  }

  @Override
  public void externalEntityDecl(String name, String publicId, String systemId) {
    doctype(
        "The DTD declares the external entity "
            + name
            + " pointing at "
            + systemId
            + " (not resolved by the scanner).",
        "<!ENTITY " + name + " SYSTEM \"" + systemId + "\">");
  }

  @Override
  public void internalEntityDecl(String name, String value) {
    doctype(
        "The DTD declares the entity " + name + "; PMML does not use entities.",
        "<!ENTITY " + name + " \"" + value + "\">");
  }

  private void doctype(String description, String evidence) {
    if (doctypeFindings++ < MAX_FINDINGS_PER_RULE) {
      context.report("PMML-001", here(), description, evidence);
    }
  }

  @Override
  public void skippedEntity(String name) {
    doctype("The entity " + name + " was used and left unresolved.", "&" + name + ";");
  }

  @Override
  public void warning(SAXParseException e) {}

  @Override
  public void error(SAXParseException e) {}

  @Override
  public void fatalError(SAXParseException e) throws SAXException {
    throw e;
  }

  @Override
  public void endDTD() {}

  @Override
  public void startEntity(String name) {}

  @Override
  public void endEntity(String name) {}

  @Override
  public void startCDATA() {}

  @Override
  public void endCDATA() {}

  @Override
  public void comment(char[] ch, int start, int length) {}

  @Override
  public void elementDecl(String name, String model) {}

  @Override
  public void attributeDecl(String eName, String aName, String type, String mode, String value) {}
}
