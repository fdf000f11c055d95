package io.sentrascan.scanner.format.openvino;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

/**
 * OpenVINO IR topology files ({@code .xml}, next to a {@code .bin} of weights): an XML document
 * whose root is {@code <net name=… version=…>}. The XML is read with StAX with DTDs and external
 * entities off; a DOCTYPE is itself a finding. Layers from opsets other than the standard {@code
 * opsetN} ones (custom extensions, which need a native extension library), {@code custom_layer}
 * elements and {@code extension} attributes are reported, with size and nesting bounds.
 */
public final class OpenVinoScanner implements Scanner {
  /** The XML before the root element, then {@code <net} with a {@code version} attribute. */
  private static final Pattern ROOT =
      Pattern.compile(
          "^\\uFEFF?\\s*(<\\?xml[^>]*\\?>\\s*)?(<!--.*?-->\\s*)*(<!DOCTYPE[^\\[>]*(\\[.*?\\])?\\s*>\\s*)?"
              + "(<!--.*?-->\\s*)*<net\\s[^>]*\\bversion\\s*=",
          Pattern.DOTALL);

  @Override
  public String name() {
    return "openvino";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "OpenVINO IR (`.xml` with root `<net version=…>`, parsed with DTDs and external entities off): DOCTYPE/entity declarations, layers outside the standard `opsetN` opsets or of unknown types (custom extensions load native code), `custom_layer` elements, `extension` attributes; size and depth bounds.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.byteAt(0) != '<'
        && probe.byteAt(0) != 0xef
        && !Character.isWhitespace(probe.byteAt(0))) {
      return false;
    }
    String head = new String(probe.head(), StandardCharsets.UTF_8);
    return ROOT.matcher(head).lookingAt();
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("openvino-ir");
    if (source.size() > IrWalker.MAX_BYTES) {
      context.report(
          "OV-004",
          context.at(-1),
          "The IR topology is "
              + source.size()
              + " bytes; only the first "
              + IrWalker.MAX_BYTES
              + " are analysed.",
          source.size() + " bytes");
    }
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    try (InputStream in = source.openStream(0, IrWalker.MAX_BYTES)) {
      new IrWalker(factory.createXMLStreamReader(in), context).walk();
    } catch (XMLStreamException | RuntimeException e) {
      long offset = -1;
      if (e instanceof XMLStreamException x && x.getLocation() != null) {
        offset = x.getLocation().getCharacterOffset();
      }
      throw new MalformedFileException("the IR XML cannot be parsed: " + e.getMessage(), offset, e);
    }
  }
}
