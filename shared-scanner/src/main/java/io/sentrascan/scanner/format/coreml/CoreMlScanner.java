package io.sentrascan.scanner.format.coreml;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;

/**
 * Core ML models ({@code .mlmodel}, also {@code Data/com.apple.CoreML/model.mlmodel} inside an
 * {@code .mlpackage}): a protobuf {@code Model} with {@code specificationVersion = 1}, {@code
 * description = 2} and the model type in a oneof numbered from 200. Custom layers and custom models
 * (native classes the app supplies) and linked model files are reported.
 */
public final class CoreMlScanner implements Scanner {
  @Override
  public String name() {
    return "coreml";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "Core ML model (`.mlmodel`, also inside `.mlpackage`; protobuf Model with specificationVersion, description and a model type numbered from 200): custom layers and custom models with their class names (native code), linked model files, nested pipelines and loop/branch networks.";
  }

  /**
   * Field 1 (varint, a small specification version) first, then only fields a Model has: 2
   * (description), 10 (isUpdatable) and model types from 200; a model type must be seen within the
   * head unless the name ends in {@code .mlmodel}. ONNX models also start with field 1 and 2 but
   * carry fields 3 to 8.
   */
  @Override
  public boolean supports(Probe probe) {
    byte[] head = probe.head();
    if (head.length < 4 || head[0] != 0x08 || head[1] < 1 || head[1] > 64) {
      return false;
    }
    int p = 2;
    boolean sawType = false;
    boolean sawDescription = false;
    while (p < head.length) {
      long[] tag = varint(head, p);
      if (tag == null) {
        break;
      }
      p = (int) tag[1];
      long field = tag[0] >>> 3;
      int wire = (int) (tag[0] & 7);
      if (field == 2 && wire == 2) {
        sawDescription = true;
      } else if (field == 10 && wire == 0) {
        // isUpdatable
      } else if (field >= 200 && field < 5000 && wire == 2) {
        sawType = true;
        break;
      } else {
        return false;
      }
      long[] value = varint(head, p);
      if (value == null) {
        break;
      }
      p = (int) value[1];
      if (wire == 2) {
        if (value[0] < 0 || value[0] > probe.size()) {
          return false;
        }
        p += (int) Math.min(value[0], Integer.MAX_VALUE - p);
      }
    }
    return sawType || (sawDescription && probe.extension().equals("mlmodel"));
  }

  /** A varint at {@code p}: {value, next position}, or null when the head ends first. */
  private static long[] varint(byte[] head, int p) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= head.length || p < 0) {
        return null;
      }
      int b = head[p++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return new long[] {value, p};
      }
    }
    return null;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("coreml");
    new CoreMlModelWalker(source, context).walk();
  }
}
