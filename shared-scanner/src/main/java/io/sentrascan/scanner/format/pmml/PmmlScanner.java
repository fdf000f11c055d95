package io.sentrascan.scanner.format.pmml;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextSniff;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * PMML documents (XML whose root is {@code PMML}). The XML is streamed through the JDK's SAX parser
 * with external entities, external DTDs and XInclude off; what such constructs would have pulled in
 * is reported, never fetched.
 */
public final class PmmlScanner implements Scanner {
  private static final Pattern ROOT = Pattern.compile("<([A-Za-z_][\\w.-]*:)?PMML[\\s>/]");

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "pmml";
  }

  @Override
  public String version() {
    return "1.0.0+" + text.version();
  }

  @Override
  public String description() {
    return "PMML (XML with a `PMML` root), parsed with external entities, DTD loading and XInclude off and bounded depth: DOCTYPE/entity declarations and xi:include (XXE), vendor `Extension` elements, `Apply` calls to functions neither built in nor defined; secrets in extensions, annotations and the header; version and namespace recorded.";
  }

  @Override
  public boolean supports(Probe probe) {
    String head = TextSniff.headText(probe).stripLeading();
    return head.startsWith("<") && ROOT.matcher(head).find();
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("pmml");
    PmmlHandler handler = new PmmlHandler(context, text);
    try (InputStream in = source.openStream()) {
      XMLReader reader = secureParser().getXMLReader();
      reader.setContentHandler(handler);
      reader.setErrorHandler(handler);
      reader.setEntityResolver(handler);
      reader.setProperty("http://xml.org/sax/properties/lexical-handler", handler);
      reader.setProperty("http://xml.org/sax/properties/declaration-handler", handler);
      InputSource input = new InputSource(in);
      input.setSystemId("pmml:" + context.path());
      reader.parse(input);
    } catch (SAXParseException e) {
      throw new MalformedFileException(
          "XML error at line " + e.getLineNumber() + ": " + e.getMessage(), -1, e);
    } catch (SAXException | ParserConfigurationException | RuntimeException e) {
      throw new MalformedFileException("XML error: " + e.getMessage(), -1, e);
    } finally {
      handler.finish();
    }
  }

  /** A SAX parser that never reads anything but the document itself. */
  static SAXParser secureParser() throws ParserConfigurationException, SAXException {
    SAXParserFactory factory = SAXParserFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setValidating(false);
    factory.setXIncludeAware(false);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    SAXParser parser = factory.newSAXParser();
    parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    // Internal entities still expand; keep a billion-laughs document small.
    parser.setProperty("http://www.oracle.com/xml/jaxp/properties/entityExpansionLimit", "2000");
    parser.setProperty(
        "http://www.oracle.com/xml/jaxp/properties/maxElementDepth",
        Integer.toString(PmmlHandler.MAX_DEPTH));
    return parser;
  }
}
