package io.sentrascan.scanner.format.tflite;

import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader;
import java.io.IOException;

/**
 * TensorFlow Lite flatbuffers, recognised by the file identifier {@code TFL3} at bytes 4 to 8. The
 * model tables are walked with a bounded flatbuffer reader: custom operators (Flex ops that touch
 * files or run Python are HIGH), buffers outside the file and indices out of range. Tensor data is
 * not read.
 */
public final class TfliteScanner implements Scanner {
  @Override
  public String name() {
    return "tflite";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "TensorFlow Lite (flatbuffer with identifier `TFL3`): custom and Flex operators (file and Python ops rated higher), buffer and index bounds, constant tensor sizes against their buffers.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.size() >= 12
        && probe.startsWithAt(4, (byte) 'T', (byte) 'F', (byte) 'L', (byte) '3');
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("tflite");
    CappedReporter out = new CappedReporter(context, "TFL-004");
    try {
      new TfliteModelWalker(new FlatBufferReader(source), context, out).walk();
    } finally {
      out.finish();
    }
  }
}
