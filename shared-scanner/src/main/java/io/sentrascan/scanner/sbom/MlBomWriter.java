package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;

/**
 * Serialises a BOM as CycloneDX 1.6. JSON is pretty-printed the same way on every platform (two
 * spaces, {@code \n}, a final newline) so that BOMs of the same scan compare byte for byte.
 */
public final class MlBomWriter {
  /** The CycloneDX version written. */
  public static final Version SPEC = Version.VERSION_16;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DefaultPrettyPrinter PRINTER =
      new DefaultPrettyPrinter()
          .withSeparators(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private MlBomWriter() {}

  /** The BOM as text in {@code format}. */
  public static String render(Bom bom, BomFormat format) {
    StringWriter out = new StringWriter();
    try {
      write(bom, format, out);
    } catch (IOException e) {
      throw new IllegalStateException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  public static void write(Bom bom, BomFormat format, Writer out) throws IOException {
    switch (format) {
      case JSON -> writeJson(BomGeneratorFactory.createJson(SPEC, bom).toJsonNode(), out);
      case XML -> {
        try {
          out.write(BomGeneratorFactory.createXml(SPEC, bom).toXmlString());
          out.write('\n');
        } catch (GeneratorException e) {
          throw new IOException("cannot generate CycloneDX XML: " + e.getMessage(), e);
        }
      }
    }
    out.flush();
  }

  /** Pretty-prints JSON: two spaces, {@code \n} line ends, a final newline. */
  static void writeJson(JsonNode tree, Writer out) throws IOException {
    JsonGenerator gen = MAPPER.getFactory().createGenerator(out);
    gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    gen.setPrettyPrinter(PRINTER.createInstance()); // a printer tracks nesting: one per call
    MAPPER.writeTree(gen, tree);
    gen.flush();
    out.write('\n');
    out.flush();
  }

  /** Writes the BOM to {@code file} in the format its name implies ({@link BomFormat#forFile}). */
  public static void write(Bom bom, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(bom, BomFormat.forFile(file), w);
    }
  }
}
