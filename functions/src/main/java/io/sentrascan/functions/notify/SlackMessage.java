package io.sentrascan.functions.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.ModelScanCompleted;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Model Scan Completed} event as a Slack Block Kit message: a header with the verdict, the
 * object and its version, counts by severity, the top findings, the reason of an ERROR, links to
 * the report and the SBOM, and the scan id.
 *
 * <p>Keys, titles and paths come from scanned files and uploaders: in {@code mrkdwn} text they are
 * escaped ({@code &}, {@code <}, {@code >}), so that they can neither mention {@code <!channel>}
 * nor forge a link; they are also cut to lengths Slack accepts (3000 characters per text block).
 */
final class SlackMessage {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  static final int MAX_KEY_CHARS = 300;
  static final int MAX_LINE_CHARS = 400;

  private SlackMessage() {}

  /**
   * The message body for the webhook.
   *
   * @param region the event's AWS region, for console links; null for plain {@code s3://} URIs
   */
  static ObjectNode of(ModelScanCompleted scan, @Nullable String region) {
    String object = cut("s3://" + scan.bucket() + "/" + scan.key(), MAX_KEY_CHARS);
    String version = scan.versionId() == null ? "unversioned" : scan.versionId();

    ObjectNode message = JSON.objectNode();
    message.put(
        "text", escape("SentraScan: " + scan.verdict() + " for " + object + " (" + version + ")"));
    ArrayNode blocks = message.putArray("blocks");

    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", headline(scan.verdict()))
        .put("emoji", true);

    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    mrkdwn(fields.addObject(), "*Model*\n" + escape(object));
    mrkdwn(fields.addObject(), "*Version*\n" + escape(version));
    mrkdwn(fields.addObject(), "*Verdict*\n" + escape(scan.verdict()));
    mrkdwn(fields.addObject(), "*Findings*\n" + counts(scan.countsBySeverity()));

    if (scan.reason() != null) {
      section(blocks, "*Reason*\n" + escape(cut(scan.reason(), MAX_LINE_CHARS)));
    }
    if (!scan.topFindings().isEmpty()) {
      StringBuilder text = new StringBuilder("*Top findings*");
      for (ModelScanCompleted.TopFinding f : scan.topFindings()) {
        text.append("\n• *")
            .append(escape(f.severity()))
            .append("* ")
            .append(escape(f.ruleId()))
            .append(": ")
            .append(escape(cut(f.title(), MAX_LINE_CHARS)))
            .append("\n      at ")
            .append(escape(cut(f.path(), MAX_LINE_CHARS)));
      }
      section(blocks, text.toString());
    }
    StringBuilder links = new StringBuilder();
    if (scan.reportLocation() != null) {
      links.append("*Report*: ").append(link(scan.reportLocation(), region));
    }
    if (scan.sbomLocation() != null) {
      links.append(links.length() == 0 ? "" : "\n");
      links.append("*SBOM*: ").append(link(scan.sbomLocation(), region));
    }
    if (links.length() > 0) {
      section(blocks, links.toString());
    }

    ObjectNode context = blocks.addObject().put("type", "context");
    mrkdwn(
        context.putArray("elements").addObject(),
        "Scan "
            + escape(scan.scanId())
            + " · SentraScan "
            + escape(scan.scannerVersion())
            + " · "
            + scan.scannedAt());
    return message;
  }

  /** Escapes the three characters Slack's mrkdwn treats as control characters. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String headline(String verdict) {
    return switch (verdict) {
      case "FAIL" -> ":rotating_light: Model scan failed: unsafe content found";
      case "ERROR" -> ":warning: Model scan could not complete";
      default -> "Model scan: " + cut(verdict, 40);
    };
  }

  private static String counts(Map<String, Integer> bySeverity) {
    if (bySeverity.isEmpty()) {
      return "none reported";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Integer> e : bySeverity.entrySet()) {
      out.append(out.length() == 0 ? "" : " · ")
          .append(escape(e.getKey()))
          .append(' ')
          .append(e.getValue());
    }
    return out.toString();
  }

  /**
   * An {@code s3://} location as a link to the S3 console (Slack cannot open {@code s3://}), with
   * the URI itself as the text; anything else is shown as escaped text.
   */
  private static String link(String location, @Nullable String region) {
    String shown = escape(cut(location, MAX_KEY_CHARS));
    if (!location.startsWith("s3://") || region == null || !region.matches("[a-z0-9-]{1,32}")) {
      return shown;
    }
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return shown;
    }
    String url =
        "https://"
            + region
            + ".console.aws.amazon.com/s3/object/"
            + encode(rest.substring(0, slash))
            + "?region="
            + region
            + "&prefix="
            + encode(rest.substring(slash + 1));
    // Inside <url|text> the URL must not carry an unescaped | or >; encode() leaves neither.
    return "<" + escape(url) + "|" + shown + ">";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void section(ArrayNode blocks, String text) {
    mrkdwn(blocks.addObject().put("type", "section").putObject("text"), text);
  }

  private static void mrkdwn(ObjectNode node, String text) {
    node.put("type", "mrkdwn").put("text", cut(text, 2900));
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
