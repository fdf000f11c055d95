package io.sentrascan.scanner.format.llamafile;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * llamafile: an Actually Portable Executable (a polyglot of a Windows PE, a shell script and ELF)
 * with a zip appended that holds the GGUF weights and an {@code .args} file of default arguments.
 * Running it runs native code, so the file itself is reported; the GGUF inside is scanned as a GGUF
 * and the default arguments are recorded.
 */
public final class LlamafileScanner implements Scanner {
  private static final int MAX_ARGS_BYTES = 64 * 1024;
  private static final int MAX_ARGS_REPORTED = 64;

  @Override
  public String name() {
    return "llamafile";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "llamafile (an Actually Portable Executable with an appended zip holding a `.gguf` and `.args`): the executable itself, its default arguments (network listeners), every embedded entry scanned recursively so the GGUF gets the GGUF checks.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (!probe.startsWith("MZqFpD") && !probe.startsWith("\u007fELF") && !probe.startsWith("#!")) {
      return false;
    }
    return probe
        .zip()
        .map(
            z ->
                z.entries().stream()
                    .anyMatch(e -> e.name().toLowerCase(Locale.ROOT).endsWith(".gguf")))
        .orElse(false);
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("llamafile");
    Probe probe = Probe.of(source);
    String kind =
        probe.startsWith("MZqFpD")
            ? "an Actually Portable Executable (Windows, Linux, macOS, BSD)"
            : probe.startsWith("#!") ? "a shell script" : "an ELF executable";
    ZipIndex zip = ZipIndex.read(source);
    ctx.report(
        "LLAMAFILE-001",
        ctx.at(0, "executable header"),
        "The file is "
            + kind
            + " with the model appended: running it runs the native code it carries.",
        new String(probe.head(), 0, Math.min(8, probe.headLength()), StandardCharsets.ISO_8859_1)
            .replaceAll("[^\\x20-\\x7e]", "."));
    for (ZipIndex.Entry entry : zip.entries()) {
      if (entry.isDirectory()) {
        continue;
      }
      ctx.checkDeadline();
      ctx.countEntry();
      String name = entry.name();
      if (entry.isEncrypted() || !ZipIndex.isSupportedMethod(entry.method())) {
        ctx.error("entry " + name + " is encrypted or uses an unsupported method; not scanned");
        continue;
      }
      Source member = member(source, entry, ctx);
      if (name.equals(".args") || name.endsWith("/.args")) {
        checkArgs(member, name, ctx);
      }
      if (name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
        ctx.addProperty("llamafile.gguf", name);
      }
      ctx.scanNested(name, member);
    }
  }

  private static Source member(Source source, ZipIndex.Entry entry, ScanContext ctx)
      throws IOException {
    if (entry.method() == 0) {
      // llamafile stores the GGUF uncompressed and page-aligned: a zero-copy view.
      return ZipIndex.storedEntry(source, entry, ctx.path() + "!/" + entry.name());
    }
    try (InputStream in = ZipIndex.open(source, entry)) {
      return ctx.spool(entry.name(), in, entry.compressedSize());
    }
  }

  /**
   * Records the default arguments and reports those that expose the model server beyond the machine
   * ({@code --host 0.0.0.0}) or load more code or weights at start.
   */
  private static void checkArgs(Source args, String name, ScanContext ctx) throws IOException {
    int len = (int) Math.min(args.size(), MAX_ARGS_BYTES);
    String text = new String(args.readFully(0, len), StandardCharsets.UTF_8);
    String[] lines = text.split("\\s+");
    int recorded = 0;
    for (int i = 0; i < lines.length && recorded < MAX_ARGS_REPORTED; i++) {
      String arg = lines[i];
      if (arg.isEmpty()) {
        continue;
      }
      recorded++;
      ctx.addProperty("llamafile.args", arg);
      Optional<String> next = i + 1 < lines.length ? Optional.of(lines[i + 1]) : Optional.empty();
      boolean exposed =
          (arg.equals("--host")
                  && next.map(n -> n.equals("0.0.0.0") || n.equals("::")).orElse(false))
              || arg.startsWith("--host=0.0.0.0");
      boolean loads =
          arg.equals("--lora")
              || arg.equals("--mmproj")
              || arg.equals("--grammar-file")
              || arg.equals("--chat-template-file")
              || (arg.equals("-m")
                  && next.map(n -> n.contains("://") || n.startsWith("/")).orElse(false));
      if (exposed || loads) {
        ctx.report(
            "LLAMAFILE-002",
            ctx.at(-1, name),
            exposed
                ? "The default arguments make the server listen on every network interface."
                : "The default arguments load another file at start: "
                    + arg
                    + " "
                    + next.orElse(""),
            (arg + " " + next.orElse("")).strip());
      }
    }
  }
}
