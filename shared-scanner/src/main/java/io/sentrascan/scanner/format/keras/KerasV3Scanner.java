package io.sentrascan.scanner.format.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Keras 3 {@code .keras} archives: a zip with {@code config.json}, {@code metadata.json} and the
 * weights ({@code model.weights.h5}). The configuration gets the same analysis as an HDF5 model's
 * {@code model_config}, including the patterns that get past {@code safe_mode}; every other entry
 * (the weights, assets) is scanned as a nested file, so the HDF5 scanner sees the weights.
 */
public final class KerasV3Scanner implements Scanner {
  private static final String CONFIG = "config.json";
  private static final String METADATA = "metadata.json";

  @Override
  public String name() {
    return "keras-v3";
  }

  @Override
  public String version() {
    return "1.0.0+refs-" + KerasConfigAnalyzer.referencesVersion();
  }

  @Override
  public String description() {
    return "Keras 3 `.keras` (zip with `config.json` and `metadata.json`): the same config analysis; every other entry, weights included, scanned through the engine.";
  }

  @Override
  public boolean supports(Probe probe) {
    Optional<ZipIndex> zip = probe.zip();
    if (zip.isEmpty()) {
      return false;
    }
    boolean config = false;
    boolean metadata = false;
    for (ZipIndex.Entry e : zip.get().entries()) {
      config |= e.name().equals(CONFIG);
      metadata |= e.name().equals(METADATA);
    }
    return config && metadata;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("keras-v3");
    try {
      scanEntries(source, context);
    } catch (ZipException e) {
      // A corrupt deflate stream: the archive is damaged, which is a finding, not a read error.
      throw new MalformedFileException(
          "a .keras entry cannot be inflated: " + e.getMessage(), -1, e);
    }
  }

  private void scanEntries(Source source, ScanContext context) throws IOException {
    ZipIndex zip = ZipIndex.read(source);
    for (ZipIndex.Entry entry : zip.entries()) {
      if (entry.isDirectory()) {
        continue;
      }
      context.countEntry();
      if (entry.name().equals(CONFIG) || entry.name().equals(METADATA)) {
        String text = readJson(source, entry, context);
        if (text == null) {
          continue;
        }
        if (entry.name().equals(CONFIG)) {
          JsonNode root = KerasConfigAnalyzer.analyze(text, CONFIG, context, -1);
          if (root != null && root.path("class_name").isTextual()) {
            context.addProperty("keras.model_class", root.path("class_name").asText());
          }
        } else {
          metadata(text, context);
        }
        continue;
      }
      Source member;
      if (entry.method() == 0) {
        member = ZipIndex.storedEntry(source, entry, context.path() + "!/" + entry.name());
      } else {
        try (InputStream in = ZipIndex.open(source, entry)) {
          member = context.spool(entry.name(), in, entry.compressedSize());
        }
      }
      context.scanNested(entry.name(), member);
    }
  }

  private static @Nullable String readJson(Source source, ZipIndex.Entry entry, ScanContext ctx)
      throws IOException {
    if (entry.size() > KerasConfigAnalyzer.MAX_CONFIG_BYTES) {
      ctx.report(
          "KER-005",
          ctx.at(-1, entry.name()),
          entry.name() + " is larger than the analysis limit and was not checked.",
          entry.size() + " bytes declared");
      return null;
    }
    Source member;
    if (entry.method() == 0) {
      member = ZipIndex.storedEntry(source, entry, ctx.path() + "!/" + entry.name());
    } else {
      try (InputStream in = ZipIndex.open(source, entry)) {
        member = ctx.spool(entry.name(), in, entry.compressedSize());
      }
    }
    if (member.size() > KerasConfigAnalyzer.MAX_CONFIG_BYTES) {
      ctx.report(
          "KER-005",
          ctx.at(-1, entry.name()),
          entry.name() + " expands beyond the analysis limit and was not checked.",
          member.size() + " bytes");
      return null;
    }
    return new String(member.readFully(0, (int) member.size()), StandardCharsets.UTF_8);
  }

  private static void metadata(String text, ScanContext ctx) {
    int at = text.indexOf("\"keras_version\"");
    if (at < 0) {
      return;
    }
    int colon = text.indexOf(':', at);
    int open = colon < 0 ? -1 : text.indexOf('"', colon);
    int close = open < 0 ? -1 : text.indexOf('"', open + 1);
    if (close > open && close - open < 40) {
      ctx.addProperty("keras.version", text.substring(open + 1, close));
    }
  }
}
