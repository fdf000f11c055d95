package io.sentrascan.scanner.format.pytorch;

import io.sentrascan.scanner.ScanContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the TorchScript source in an archive's {@code code/} folder line by line, flagging calls
 * into operator namespaces that need native extensions and Python names TorchScript never emits.
 */
final class TorchScriptCodeCheck {
  /** Lines read per file at most; generated TorchScript is small. */
  private static final int MAX_LINES = 200_000;

  private static final int MAX_FINDINGS_PER_FILE = 20;

  private static final Set<String> STANDARD_NAMESPACES =
      Set.of(
          "aten",
          "prim",
          "quantized",
          "_quantized",
          "quantized_decomposed",
          "_caffe2",
          "profiler",
          "mkldnn",
          "cuda",
          "_test",
          "torchvision",
          "image",
          "sparse",
          "fbgemm",
          "xnnpack",
          "vulkan",
          "metal");

  private static final Pattern OPS = Pattern.compile("torch\\.ops\\.([A-Za-z_][A-Za-z0-9_]*)\\.");

  private static final Pattern DANGEROUS =
      Pattern.compile(
          "(?<![\\w.])(__import__|eval\\s*\\(|exec\\s*\\(|os\\.(system|popen|exec\\w*|spawn\\w*)"
              + "|subprocess\\.|socket\\.|builtins\\.|importlib\\.|pty\\.)");

  private final ScanContext context;

  TorchScriptCodeCheck(ScanContext context) {
    this.context = context;
  }

  void check(String entry, InputStream in) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 65536);
    String line;
    int n = 0;
    int findings = 0;
    while ((line = reader.readLine()) != null && n++ < MAX_LINES) {
      if (line.length() > 4096) {
        line = line.substring(0, 4096);
      }
      Matcher ops = OPS.matcher(line);
      while (ops.find() && findings < MAX_FINDINGS_PER_FILE) {
        String ns = ops.group(1);
        if (!STANDARD_NAMESPACES.contains(ns)) {
          findings++;
          context.report(
              "PT-001",
              context.at(-1, entry + ":" + n),
              "TorchScript code in "
                  + entry
                  + " line "
                  + n
                  + " calls operators of namespace '"
                  + ns
                  + "', which a native extension must provide.",
              line.strip());
        }
      }
      Matcher bad = DANGEROUS.matcher(line);
      if (bad.find() && findings < MAX_FINDINGS_PER_FILE) {
        findings++;
        context.report(
            "PT-002",
            context.at(-1, entry + ":" + n),
            "TorchScript code in "
                + entry
                + " line "
                + n
                + " names '"
                + bad.group(1)
                + "', which TorchScript does not generate.",
            line.strip());
      }
    }
  }
}
