package io.sentrascan.scanner.format.keras;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code keras_metadata.pb}, written next to {@code saved_model.pb} when a Keras 2 model is saved
 * in the TensorFlow format. It is a {@code SavedMetadata} protobuf: a list of {@code SavedObject}s
 * (node_id 2, node_path 3, identifier 4, metadata 5) whose metadata is the layer's Keras JSON, with
 * a Lambda's marshalled bytecode and any custom-object references; Keras rebuilds the layers from
 * it on load. Each object's JSON gets the analysis of an HDF5 {@code model_config}.
 *
 * <p>The file is small (the JSON of each layer), so it is read whole up to {@link #MAX_BYTES}; the
 * few wire-format fields needed are decoded here rather than shared with the TensorFlow package,
 * since format packages stay independent.
 */
public final class KerasMetadataScanner implements Scanner {
  static final String FILE_NAME = "keras_metadata.pb";

  /** Larger metadata files are not analysed (real ones are kilobytes to a few megabytes). */
  static final int MAX_BYTES = 64 << 20;

  @Override
  public String name() {
    return "keras-metadata";
  }

  @Override
  public String version() {
    return "1.0.0+refs-" + KerasConfigAnalyzer.referencesVersion();
  }

  @Override
  public String description() {
    return "`keras_metadata.pb` of Keras 2 SavedModels: the per-layer Keras JSON gets the same config analysis.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (!probe.fileName().toLowerCase(Locale.ROOT).endsWith(FILE_NAME) || probe.size() < 4) {
      return false;
    }
    // Field 1 (LEN) whose content starts with node_id (2, varint) or node_path (3, LEN).
    byte[] head = probe.head();
    if (head[0] != 0x0a) {
      return false;
    }
    int pos = 1;
    while (pos < head.length && pos < 6 && (head[pos] & 0x80) != 0) {
      pos++;
    }
    pos++;
    return pos < head.length && (head[pos] == 0x10 || head[pos] == 0x1a);
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("keras-metadata");
    if (source.size() > MAX_BYTES) {
      context.report(
          "KER-005",
          context.at(-1, FILE_NAME),
          "The Keras metadata is larger than the analysis limit and was not checked.",
          source.size() + " bytes");
      return;
    }
    Wire in = new Wire(source.readFully(0, (int) source.size()));
    int objects = 0;
    while (in.pos < in.b.length) {
      context.checkDeadline();
      long tag = in.varint();
      if ((tag & 7) != 2) {
        throw new MalformedFileException(
            "keras_metadata.pb: field " + (tag >>> 3) + " is not a SavedObject", in.pos);
      }
      int len = in.length(in.b.length);
      if (tag >>> 3 == 1) {
        savedObject(in.b, in.pos, in.pos + len, context);
        objects++;
      }
      in.pos += len;
    }
    context.addProperty("keras.saved_objects", Integer.toString(objects));
  }

  private static void savedObject(byte[] b, int start, int end, ScanContext ctx)
      throws IOException {
    Wire in = new Wire(b);
    in.pos = start;
    String path = null;
    int metadataStart = -1;
    int metadataEnd = -1;
    while (in.pos < end) {
      long tag = in.varint();
      int type = (int) (tag & 7);
      if (type == 0) {
        in.varint();
      } else if (type == 2) {
        int len = in.length(end);
        if (tag >>> 3 == 3) {
          path = new String(b, in.pos, Math.min(len, 256), StandardCharsets.UTF_8);
        } else if (tag >>> 3 == 5) {
          metadataStart = in.pos;
          metadataEnd = in.pos + len;
        }
        in.pos += len;
      } else {
        throw new MalformedFileException(
            "keras_metadata.pb: wire type " + type + " in a SavedObject", in.pos);
      }
    }
    if (metadataStart >= 0 && metadataEnd > metadataStart) {
      String json =
          new String(b, metadataStart, metadataEnd - metadataStart, StandardCharsets.UTF_8);
      String what = "metadata of " + (path == null ? "(unnamed object)" : path);
      KerasConfigAnalyzer.analyze(json, what, ctx, metadataStart);
    }
  }

  /** A position in the bytes of one scan; not shared. */
  private static final class Wire {
    final byte[] b;
    int pos;

    Wire(byte[] b) {
      this.b = b;
    }

    long varint() throws MalformedFileException {
      long result = 0;
      for (int i = 0; i < 10; i++) {
        if (pos >= b.length) {
          throw new MalformedFileException("keras_metadata.pb: varint cut off", pos);
        }
        int v = b[pos++] & 0xff;
        result |= (long) (v & 0x7f) << (7 * i);
        if ((v & 0x80) == 0) {
          return result;
        }
      }
      throw new MalformedFileException("keras_metadata.pb: varint longer than 10 bytes", pos);
    }

    /** A length that must end by {@code end}. */
    int length(int end) throws MalformedFileException {
      int at = pos;
      long len = varint();
      if (len < 0 || len > end - pos) {
        throw new MalformedFileException(
            "keras_metadata.pb: a length runs past the end of its message", at);
      }
      return (int) len;
    }
  }
}
