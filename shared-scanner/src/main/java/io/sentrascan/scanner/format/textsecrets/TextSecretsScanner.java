package io.sentrascan.scanner.format.textsecrets;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextSniff;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Secrets and personal data in the text files that typically hold them: {@code .env}, INI/CFG,
 * YAML, TOML, properties, credential files and PEM keys. Registered last among the formats; it
 * claims only text files with one of those names (or starting with a PEM header), never JSON, so
 * that configuration and tokenizer scanners keep their files.
 */
public final class TextSecretsScanner implements Scanner {
  static final long MAX_BYTES = 16L << 20;

  private static final Set<String> EXTENSIONS =
      Set.of(
          "env",
          "cfg",
          "ini",
          "conf",
          "yaml",
          "yml",
          "toml",
          "properties",
          "pem",
          "key",
          "netrc",
          "pypirc",
          "npmrc",
          "credentials");
  private static final Set<String> NAMES =
      Set.of(
          ".env",
          "credentials",
          ".netrc",
          ".pypirc",
          ".npmrc",
          ".git-credentials",
          "id_rsa",
          "id_dsa",
          "id_ecdsa",
          "id_ed25519");

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "textsecrets";
  }

  @Override
  public String version() {
    return "1.0.0+secrets-" + text.version();
  }

  @Override
  public String description() {
    return "Secret-bearing text files (`.env`, `.ini`, `.yaml`, `.pem`, credentials…): cloud, Hugging Face, OpenAI, Anthropic, GitHub and Slack tokens, private keys, database URLs, JWTs, and PII — always masked in reports.";
  }

  @Override
  public boolean supports(Probe probe) {
    String name = probe.fileName().toLowerCase(Locale.ROOT);
    String ext = probe.extension();
    if (ext.equals("json") || ext.equals("ipynb") || !TextSniff.isText(probe)) {
      return false;
    }
    return NAMES.contains(name)
        || name.startsWith(".env.")
        || EXTENSIONS.contains(ext)
        || TextSniff.headText(probe).startsWith("-----BEGIN ");
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    String path = source.displayPath();
    String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    int dot = name.lastIndexOf('.');
    context.setFormat(
        dot <= 0 ? "text" : "text/" + name.substring(dot + 1).toLowerCase(Locale.ROOT));
    String content = TextSniff.read(source, MAX_BYTES);
    if (source.size() > MAX_BYTES) {
      context.error("only the first " + MAX_BYTES + " bytes were scanned for secrets");
    }
    text.scan(content, context, context.at(0));
  }
}
