package io.sentrascan.scanner.format.mxnet;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * MXNet parameter files ({@code .params}, {@code mx.nd.save}): the NDArray list magic {@code
 * 0x112}, the arrays (each a header and raw data, skipped by its declared size) and their names.
 * Every count and length is checked against the bytes left, so a lying header is malformed rather
 * than a huge allocation for the loader.
 */
public final class MxnetParamsScanner implements Scanner {
  private static final long LIST_MAGIC = 0x112;
  private static final int V1_MAGIC = 0xF993FAC8;
  private static final int V2_MAGIC = 0xF993FAC9;
  private static final int MAX_NDIM = 32;
  private static final int MAX_NAME_BYTES = 64 * 1024;

  @Override
  public String name() {
    return "mxnet-params";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "MXNet `.params` (NDArray list, magic 0x112): array headers (storage type, shape, dtype) and names validated against the file size, data skipped; trailing bytes reported.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.headLength() < 24) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(probe.head()).order(ByteOrder.LITTLE_ENDIAN);
    return b.getLong(0) == LIST_MAGIC && b.getLong(8) == 0;
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("mxnet-params");
    Cursor c = new Cursor(source, 16);
    long arrays = c.count(8);
    ctx.addProperty("mxnet.arrays", Long.toString(arrays));
    for (long i = 0; i < arrays; i++) {
      if ((i & 0xff) == 0) {
        ctx.checkDeadline();
      }
      readArray(c, i);
    }
    long names = c.count(8);
    if (names != 0 && names != arrays) {
      throw new MalformedFileException(names + " names for " + arrays + " arrays", c.pos - 8);
    }
    for (long i = 0; i < names; i++) {
      long len = c.u64();
      if (len > MAX_NAME_BYTES || len > c.remaining()) {
        throw new MalformedFileException(
            "array name " + i + " declares " + len + " bytes", c.pos - 8);
      }
      c.pos += len;
    }
    if (c.remaining() > 0) {
      ctx.report(
          "MX-002",
          ctx.at(c.pos),
          c.remaining() + " bytes follow the last array name; MXNet does not load them.",
          "");
    }
  }

  private static void readArray(Cursor c, long index) throws IOException {
    long at = c.pos;
    int magic = c.i32();
    if (magic != V1_MAGIC && magic != V2_MAGIC) {
      // Files from MXNet before 0.9 start each array with its ndim; not walked further.
      throw new MalformedFileException(
          String.format(
              "array %d at offset %d has magic 0x%08x, not an NDArray v1/v2", index, at, magic),
          at);
    }
    int storage = 0;
    if (magic == V2_MAGIC) {
      storage = c.i32();
      if (storage < 0 || storage > 2) {
        throw new MalformedFileException(
            "array " + index + " has unknown storage type " + storage, at);
      }
      if (storage != 0) {
        shape(c, index, at); // storage shape of a sparse array
      }
    }
    long elements = shape(c, index, at);
    if (elements < 0) {
      return; // a shapeless array has no context or data
    }
    c.i32(); // device type
    c.i32(); // device id
    int dtype = c.i32();
    int size = dtypeSize(dtype, index, at);
    if (storage != 0) {
      int aux = storage == 1 ? 1 : 2; // row-sparse: indices; CSR: indptr and indices
      for (int k = 0; k < aux; k++) {
        c.i32(); // aux dtype
        long auxElements = shape(c, index, at);
        c.skip(Math.max(0, auxElements) * 8, index);
      }
    }
    if (elements > c.remaining() / size) {
      throw new MalformedFileException(
          "array "
              + index
              + " declares "
              + elements
              + " elements of "
              + size
              + " bytes, more than the file holds",
          at);
    }
    c.skip(elements * size, index);
  }

  private static long shape(Cursor c, long index, long at) throws IOException {
    int ndim = c.i32();
    if (ndim < 0 || ndim > MAX_NDIM) {
      throw new MalformedFileException("array " + index + " declares " + ndim + " dimensions", at);
    }
    long elements = 1;
    for (int d = 0; d < ndim; d++) {
      long dim = c.u64();
      if (dim < 0 || (dim > 0 && elements > Long.MAX_VALUE / 16 / dim)) {
        throw new MalformedFileException(
            "array " + index + " has dimension " + dim + " that overflows its size", at);
      }
      elements *= dim;
    }
    return ndim == 0 ? -1 : elements;
  }

  private static int dtypeSize(int dtype, long index, long at) throws MalformedFileException {
    return switch (dtype) {
      case 0, 4, 10 -> 4; // float32, int32, uint32
      case 1, 6, 11 -> 8; // float64, int64, uint64
      case 2, 8, 9, 12 -> 2; // float16, int16, uint16, bfloat16
      case 3, 5, 7 -> 1; // uint8, int8, bool
      default ->
          throw new MalformedFileException("array " + index + " has unknown dtype " + dtype, at);
    };
  }

  /** Little-endian reads by position. */
  private static final class Cursor {
    final Source source;
    long pos;

    Cursor(Source source, long pos) {
      this.source = source;
      this.pos = pos;
    }

    long remaining() {
      return source.size() - pos;
    }

    int i32() throws IOException {
      byte[] b = source.readFully(pos, 4);
      pos += 4;
      return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    long u64() throws IOException {
      byte[] b = source.readFully(pos, 8);
      pos += 8;
      return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A count of items of at least {@code minBytes} each, checked against the bytes left. */
    long count(int minBytes) throws IOException {
      long at = pos;
      long n = u64();
      if (n < 0 || n > remaining() / minBytes) {
        throw new MalformedFileException(
            "count " + n + " at offset " + at + " is larger than the file can hold", at);
      }
      return n;
    }

    void skip(long n, long index) throws MalformedFileException {
      if (n < 0 || n > remaining()) {
        throw new MalformedFileException(
            "array " + index + " data runs past the end of the file", pos);
      }
      pos += n;
    }
  }
}
