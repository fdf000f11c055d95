package io.sentrascan.scanner.format.onnx;

import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.Arrays;

/**
 * ONNX models. The protobuf is walked on the wire (no generated classes, no protobuf runtime):
 * custom-domain operators, model-local functions, external data paths that leave the model folder,
 * tensors whose declared size disagrees with their data, and nested subgraphs within a depth limit.
 * Producer and opsets are recorded for the SBOM. Tensor data, inline or external, is not read.
 */
public final class OnnxScanner implements Scanner {
  /** ModelProto fields and the wire type each must have (0 varint, 2 length-delimited). */
  private static final int[] MODEL_FIELD_WIRE_TYPES = new int[27];

  static {
    Arrays.fill(MODEL_FIELD_WIRE_TYPES, -1);
    MODEL_FIELD_WIRE_TYPES[1] = 0; // ir_version
    MODEL_FIELD_WIRE_TYPES[5] = 0; // model_version
    for (int f : new int[] {2, 3, 4, 6, 7, 8, 14, 20, 25, 26}) {
      MODEL_FIELD_WIRE_TYPES[f] = 2;
    }
  }

  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "ONNX (ModelProto structure, walked on the protobuf wire format): custom-domain operators, model-local functions, external-data paths that are absolute or escape the folder, tensor sizes against their data, nested If/Loop/Scan graphs within a depth limit.";
  }

  /**
   * ONNX has no magic. A serialized ModelProto starts with ir_version (field 1, written first as
   * the lowest field number), followed only by ModelProto fields, and reaches graph (7) or
   * opset_import (8). Random bytes and other protobufs (a SavedModel also starts with field 1)
   * rarely pass all of that.
   */
  @Override
  public boolean supports(Probe probe) {
    byte[] head = probe.head();
    if (head.length < 4 || head[0] != 0x08 || head[1] <= 0 || head[1] > 64) {
      return false;
    }
    int p = 2;
    while (p < head.length) {
      long tag = 0;
      int shift = 0;
      int b;
      do {
        if (p >= head.length || shift > 28) {
          return false;
        }
        b = head[p++] & 0xff;
        tag |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field <= 0 || field >= MODEL_FIELD_WIRE_TYPES.length) {
        return false;
      }
      if (MODEL_FIELD_WIRE_TYPES[field] != wire) {
        return false;
      }
      long value = 0;
      shift = 0;
      do {
        if (p >= head.length || shift > 63) {
          return false;
        }
        b = head[p++] & 0xff;
        value |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      if (wire == 2) {
        if (field == 7 || field == 8) {
          return true; // even when the graph runs past the file: a truncated model is reported
        }
        if (value < 0 || value > head.length - p) {
          return false;
        }
        p += (int) value;
      }
    }
    return false;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("onnx");
    CappedReporter out = new CappedReporter(context, "ONNX-006");
    try {
      new OnnxModelWalker(new WireReader(source), context, out).walk();
    } finally {
      out.finish();
    }
  }
}
