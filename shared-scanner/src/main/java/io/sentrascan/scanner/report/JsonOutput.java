package io.sentrascan.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;

/**
 * Pretty-prints JSON the same way on every platform: two-space indent, {@code \n} line ends (not
 * the platform separator, so that goldens compare byte for byte), {@code "key": value}, and a final
 * newline.
 */
final class JsonOutput {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final DefaultPrettyPrinter PRINTER =
      new DefaultPrettyPrinter()
          .withSeparators(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private JsonOutput() {}

  static void write(JsonNode tree, Writer out) throws IOException {
    JsonGenerator gen = MAPPER.getFactory().createGenerator(out);
    gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    gen.setPrettyPrinter(PRINTER.createInstance()); // a printer tracks nesting: one per call
    MAPPER.writeTree(gen, tree);
    gen.flush();
    out.write('\n');
    out.flush();
  }
}
