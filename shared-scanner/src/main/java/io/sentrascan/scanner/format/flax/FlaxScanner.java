package io.sentrascan.scanner.format.flax;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;

/**
 * Flax/JAX msgpack checkpoints ({@code flax.serialization.to_bytes}, {@code .msgpack}): a msgpack
 * map of nested maps with string keys and ext-encoded arrays. The structure is validated within
 * bounds (lengths inside the file, nesting depth, array payloads against shape and dtype); ext
 * types flax does not write and embedded pickle bytes are reported.
 */
public final class FlaxScanner implements Scanner {
  @Override
  public String name() {
    return "flax";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "Flax/JAX msgpack checkpoint (map with string keys and ext-encoded arrays, `.msgpack`): bounded structure walk (lengths, depth, array shape/dtype against bytes), ext types flax does not write, embedded pickle bytes.";
  }

  /**
   * A msgpack map at byte 0 whose first key is a string, and either the {@code .msgpack} name or,
   * within the first bytes, string keys only and a flax array ext value.
   */
  @Override
  public boolean supports(Probe probe) {
    int b = probe.byteAt(0);
    boolean map = (b >= 0x81 && b <= 0x8f) || b == 0xde || b == 0xdf;
    int keyAt = b == 0xde ? 3 : b == 0xdf ? 5 : 1;
    int k = probe.byteAt(keyAt);
    boolean stringKey = (k >= 0xa0 && k <= 0xbf) || (k >= 0xd9 && k <= 0xdb);
    if (!map || !stringKey) {
      return false;
    }
    if (probe.extension().equals("msgpack")) {
      return true;
    }
    MsgpackWalker walker =
        new MsgpackWalker(
            new MsgpackReader(
                Sources.bytes(probe.head(), probe.fileName()), 0, probe.headLength()));
    try {
      walker.walk();
    } catch (IOException | RuntimeException e) {
      // The head usually ends inside the document: what was seen before decides.
    }
    return walker.sawFlaxExt() && !walker.nonStringKey();
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("flax-msgpack");
    MsgpackWalker walker = new MsgpackWalker(source, context);
    try {
      long end = walker.walk();
      if (end < source.size()) {
        throw new MalformedFileException(
            (source.size() - end) + " bytes follow the msgpack document", end);
      }
    } finally {
      walker.finish();
      context.addProperty("flax.arrays", Integer.toString(walker.arrays()));
    }
  }
}
