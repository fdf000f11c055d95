package io.sentrascan.scanner.format.chattemplate;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.template.ChatTemplateAnalyzer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Stand-alone Jinja chat templates ({@code chat_template.jinja}, which transformers saves beside
 * the tokenizer, and {@code .j2} files), analysed for template injection. Claimed when the text is
 * Jinja: a {@code .jinja}/{@code .j2} name with Jinja tags, or text that opens with a Jinja tag and
 * mentions {@code messages}, as every chat template does.
 */
public final class ChatTemplateScanner implements Scanner {
  /** Chat templates are kilobytes; larger text is not claimed. */
  static final long MAX_BYTES = 4L << 20;

  private static final Set<String> EXTENSIONS = Set.of("jinja", "jinja2", "j2");

  @Override
  public String name() {
    return "chat-template";
  }

  @Override
  public String version() {
    return "1.0.0+" + ChatTemplateAnalyzer.version();
  }

  @Override
  public String description() {
    return "Stand-alone Jinja chat templates (`chat_template.jinja`): parsed, never rendered, and checked for template injection through attribute chains, filters and string obfuscation.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.size() == 0 || probe.size() > MAX_BYTES) {
      return false;
    }
    byte[] head = probe.head();
    for (byte b : head) {
      if (b == 0) {
        return false;
      }
    }
    String text = new String(head, StandardCharsets.UTF_8);
    if (!text.contains("{%") && !text.contains("{{")) {
      return false;
    }
    if (EXTENSIONS.contains(probe.extension())) {
      return true;
    }
    String start = text.stripLeading();
    return (start.startsWith("{%") || start.startsWith("{{") || start.startsWith("{#"))
        && text.contains("messages");
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("jinja-chat-template");
    byte[] bytes = source.readFully(0, (int) Math.min(source.size(), MAX_BYTES));
    String template = new String(bytes, StandardCharsets.UTF_8);
    ChatTemplateAnalyzer.defaults().analyze(template, ctx, ctx.at(0));
  }
}
