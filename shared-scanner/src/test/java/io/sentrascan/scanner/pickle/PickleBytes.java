package io.sentrascan.scanner.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Assembles pickle streams opcode by opcode for tests; nothing here is ever unpickled. */
final class PickleBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static PickleBytes of() {
    return new PickleBytes();
  }

  PickleBytes op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  PickleBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  PickleBytes ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  PickleBytes proto(int n) {
    return op(0x80, n);
  }

  PickleBytes global(String module, String name) {
    return op('c').ascii(module + "\n" + name + "\n");
  }

  PickleBytes inst(String module, String name) {
    return op('i').ascii(module + "\n" + name + "\n");
  }

  PickleBytes shortUnicode(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return op(0x8c, b.length).raw(b);
  }

  PickleBytes unicode(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return op('X').u32(b.length).raw(b);
  }

  PickleBytes u16(int v) {
    return op(v & 0xff, (v >>> 8) & 0xff);
  }

  PickleBytes u32(long v) {
    return op(
        (int) v & 0xff, (int) (v >>> 8) & 0xff, (int) (v >>> 16) & 0xff, (int) (v >>> 24) & 0xff);
  }

  PickleBytes u64(long v) {
    return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  PickleBytes mark() {
    return op('(');
  }

  PickleBytes tuple() {
    return op('t');
  }

  PickleBytes reduce() {
    return op('R');
  }

  PickleBytes stop() {
    return op('.');
  }

  /** {@code module.name(arg)} at protocol 2 with GLOBAL and REDUCE. */
  static byte[] call(String module, String name, String arg) {
    return of().proto(2).global(module, name).mark().unicode(arg).tuple().reduce().stop().bytes();
  }

  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
