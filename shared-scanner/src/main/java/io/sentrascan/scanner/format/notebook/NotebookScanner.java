package io.sentrascan.scanner.format.notebook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.code.PythonCodeAnalyzer;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextLocator;
import io.sentrascan.scanner.text.TextSniff;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Jupyter notebooks ({@code .ipynb}): code cells analysed like Python source (with shell escapes
 * and magics taken out and checked on their own, NB-001/NB-002), and secrets and personal data in
 * every cell's source and in the text of its outputs (streams, text/plain, text/html, error
 * tracebacks). Images and other binary outputs are skipped. Detected by content: a JSON object
 * whose first key is {@code cells}.
 */
public final class NotebookScanner implements Scanner {
  /** Notebooks larger than this are not parsed (images in outputs make them big, not code). */
  static final long MAX_BYTES = 64L << 20;

  static final int MAX_CELLS = 20_000;

  private static final Set<String> SHELL_CELL_MAGICS = Set.of("bash", "sh", "script", "system");
  private static final Set<String> NON_PYTHON_CELL_MAGICS =
      Set.of(
          "html",
          "javascript",
          "js",
          "latex",
          "markdown",
          "writefile",
          "svg",
          "perl",
          "ruby",
          "file",
          "sql",
          "md",
          "r",
          "capture_output");
  private static final List<String> TEXT_OUTPUTS =
      List.of(
          "text/plain",
          "text/html",
          "text/markdown",
          "text/latex",
          "application/json",
          "application/javascript");
  private static final Pattern DOWNLOAD_TO_SHELL =
      Pattern.compile(
          "(?i)\\b(?:curl|wget)\\b[^|\\n]*\\|\\s*(?:sudo\\s+(?:-\\S+\\s+)*)?(?:ba|z|k|da)?sh\\b"
              + "|\\b(?:curl|wget)\\b[^|\\n]*\\|\\s*(?:sudo\\s+)?python[0-9.]*\\b"
              + "|\\b(?:ba)?sh\\s+(?:-c\\s+)?[\"']?(?:\\$\\(|<\\()\\s*(?:curl|wget)\\b");

  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(64)
                      .maxStringLength((int) MAX_BYTES)
                      .build())
              .build());

  private final PythonCodeAnalyzer code = PythonCodeAnalyzer.defaults();
  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "notebook";
  }

  @Override
  public String version() {
    return "1.0.0+calls-" + code.version() + "+secrets-" + text.version();
  }

  @Override
  public String description() {
    return "Jupyter notebooks (JSON with `cells`, bounded): code cells analysed as Python, shell escapes and download-into-shell, secrets and PII in sources and outputs.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (!TextSniff.isText(probe)) {
      return false;
    }
    String head = TextSniff.headText(probe).stripLeading();
    if (!head.startsWith("{")) {
      return false;
    }
    String afterBrace = head.substring(1).stripLeading();
    boolean cellsFirst = afterBrace.startsWith("\"cells\"");
    return (cellsFirst && (head.contains("\"cell_type\"") || head.contains("\"nbformat\"")))
        || (probe.extension().equals("ipynb") && head.contains("\"cells\""));
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("ipynb");
    if (source.size() > MAX_BYTES) {
      context.error(
          "notebook of " + source.size() + " bytes is over the " + MAX_BYTES + "-byte limit");
      return;
    }
    JsonNode root;
    try (InputStream in = source.openStream()) {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      throw new MalformedFileException(
          "the notebook is not valid JSON: " + e.getOriginalMessage(), offset, e);
    } catch (RuntimeException e) {
      throw new MalformedFileException("the notebook cannot be parsed: " + e, -1, e);
    }
    if (root == null || !root.isObject() || !root.path("cells").isArray()) {
      throw new MalformedFileException("the notebook has no cells array", 0);
    }
    if (root.path("nbformat").isInt()) {
      context.addProperty(
          "notebook.nbformat",
          root.path("nbformat").asInt() + "." + root.path("nbformat_minor").asInt(0));
    }
    String language = language(root.path("metadata"));
    context.addProperty("notebook.language", language);
    boolean python = language.startsWith("python") || language.isEmpty();
    JsonNode cells = root.path("cells");
    if (cells.size() > MAX_CELLS) {
      context.error("only the first " + MAX_CELLS + " of " + cells.size() + " cells were scanned");
    }
    for (int i = 0; i < cells.size() && i < MAX_CELLS; i++) {
      context.checkDeadline();
      JsonNode cell = cells.get(i);
      String where = "cells[" + i + "]";
      String src = joined(cell.path("source"));
      Location base = context.at(-1, where);
      if ("code".equals(cell.path("cell_type").asText()) && python) {
        codeCell(src, context, base);
      }
      text.scan(src, context, base);
      JsonNode outputs = cell.path("outputs");
      for (int j = 0; j < outputs.size(); j++) {
        outputText(outputs.get(j), context, context.at(-1, where + ".outputs[" + j + "]"));
      }
    }
  }

  private void codeCell(String src, ScanContext context, Location base) {
    TextLocator locator = new TextLocator(src, base);
    StringBuilder python = new StringBuilder(src.length());
    boolean shellCell = false;
    boolean pythonCell = true;
    boolean reportedShell = false;
    int pos = 0;
    boolean firstLine = true;
    while (pos <= src.length()) {
      int eol = src.indexOf('\n', pos);
      int end = eol < 0 ? src.length() : eol;
      String line = src.substring(pos, end);
      String stripped = line.strip();
      boolean shellLine = shellCell;
      boolean blankOut = !pythonCell;
      if (firstLine && stripped.startsWith("%%")) {
        String magic = stripped.substring(2).split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        shellCell = SHELL_CELL_MAGICS.contains(magic);
        pythonCell = !shellCell && !NON_PYTHON_CELL_MAGICS.contains(magic);
        blankOut = true;
      } else if (stripped.startsWith("!")
          || stripped.startsWith("%system")
          || stripped.startsWith("%sx")) {
        shellLine = true;
        blankOut = true;
      } else if (stripped.startsWith("%")) {
        blankOut = true;
      }
      if (!stripped.isEmpty()) {
        firstLine = false;
      }
      if (shellLine && !stripped.isEmpty() && !stripped.startsWith("%%")) {
        String shown = text.redact(stripped);
        if (!reportedShell) {
          reportedShell = true;
          context.report(
              "NB-001",
              locator.at(pos),
              "The cell runs shell commands (" + locator.at(pos).context() + ").",
              shown);
        }
        if (DOWNLOAD_TO_SHELL.matcher(stripped).find()) {
          context.report(
              "NB-002",
              locator.at(pos),
              "The cell pipes a download into a shell or interpreter ("
                  + locator.at(pos).context()
                  + ").",
              shown);
        }
      }
      python.append(blankOut ? " ".repeat(line.length()) : line);
      if (eol < 0) {
        break;
      }
      python.append('\n');
      pos = eol + 1;
    }
    code.analyze(python, context, base, text);
  }

  private void outputText(JsonNode output, ScanContext context, Location base) {
    String type = output.path("output_type").asText();
    switch (type) {
      case "stream" -> text.scan(withoutAnsi(joined(output.path("text"))), context, base);
      case "error" -> {
        StringBuilder sb = new StringBuilder();
        sb.append(output.path("ename").asText())
            .append(": ")
            .append(output.path("evalue").asText());
        for (JsonNode line : output.path("traceback")) {
          sb.append('\n').append(line.asText());
        }
        text.scan(withoutAnsi(sb.toString()), context, base);
      }
      default -> {
        JsonNode data = output.path("data");
        for (String mime : TEXT_OUTPUTS) {
          JsonNode value = data.get(mime);
          if (value != null) {
            String content =
                value.isContainerNode() && mime.equals("application/json")
                    ? value.toString()
                    : joined(value);
            text.scan(content, context, base.withContext(base.context() + " " + mime));
          }
        }
      }
    }
  }

  /**
   * Colour codes blanked out (same length, so columns stay right): tracebacks are full of them, and
   * {@code ESC[0mAKIA...} would hide a key from patterns that need a boundary before it.
   */
  static String withoutAnsi(String s) {
    if (s.indexOf('\u001b') < 0) {
      return s;
    }
    return ANSI.matcher(s).replaceAll(m -> " ".repeat(m.group().length()));
  }

  /** Notebook text is a string or a list of strings (lines with their line breaks). */
  private static String joined(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    StringBuilder sb = new StringBuilder();
    if (node.isArray()) {
      for (JsonNode part : node) {
        if (part.isTextual()) {
          sb.append(part.asText());
        }
      }
    }
    return sb.toString();
  }

  private static String language(JsonNode metadata) {
    String name = metadata.path("language_info").path("name").asText("");
    if (name.isEmpty()) {
      name = metadata.path("kernelspec").path("language").asText("");
    }
    return name.toLowerCase(Locale.ROOT);
  }
}
