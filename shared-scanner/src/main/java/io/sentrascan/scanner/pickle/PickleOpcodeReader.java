package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Decodes pickle opcodes and their arguments from a {@link Source}, one at a time, without
 * interpreting them. Payloads (bytes, long strings) are skipped by position: only a short prefix of
 * text is kept, since only module and attribute names matter. The decoded argument of the last
 * opcode is left in the fields, so that the hot loop allocates nothing for numbers and bytes.
 */
final class PickleOpcodeReader {
  /** Characters of a string argument kept; longer strings are marked incomplete. */
  static final int TEXT_PREFIX = 512;

  static final int BUFFER = 64 * 1024;

  private final Source source;
  private final long size;
  private final long maxReadBytes;
  private final byte[] buf;
  private final byte[] scratch = new byte[TEXT_PREFIX * 4];
  private long bufStart;
  private int bufPos;
  private int bufLen;
  private long readBytes;

  /** Offset of the last opcode. */
  long offset;

  /** Numeric argument: an integer value, a memo index, a protocol, or a payload length. */
  long number;

  /** Text argument (decoded), or the first line of a two-line argument. */
  @Nullable String text;

  /** Second line of a GLOBAL or INST argument. */
  @Nullable String text2;

  /** False when {@link #text} is only a prefix of the argument. */
  boolean complete;

  PickleOpcodeReader(Source source, long start, long maxReadBytes) {
    this(source, start, maxReadBytes, BUFFER);
  }

  PickleOpcodeReader(Source source, long start, long maxReadBytes, int bufferSize) {
    this.source = source;
    this.size = source.size();
    this.maxReadBytes = maxReadBytes;
    this.buf = new byte[(int) Math.max(16, Math.min(bufferSize, size - Math.min(size, start)))];
    this.bufStart = start;
  }

  long position() {
    return bufStart + bufPos;
  }

  long size() {
    return size;
  }

  /** Decodes the next opcode and its argument. */
  PickleOpcode next() throws IOException {
    offset = position();
    int b = readByte();
    if (b < 0) {
      throw new EOFException("pickle stream ends at offset " + offset + " without a STOP opcode");
    }
    PickleOpcode op = PickleOpcode.of(b);
    if (op == null) {
      throw new MalformedFileException(
          String.format("unknown pickle opcode 0x%02x at offset %d", b, offset), offset);
    }
    text = null;
    text2 = null;
    complete = true;
    number = 0;
    switch (op.arg) {
      case NONE -> {}
      case LINE -> line(op);
      case LINE_PAIR -> {
        text = readLine();
        boolean first = complete;
        text2 = readLine();
        complete &= first;
      }
      case U1 -> number = readUnsigned(1);
      case U2 -> number = readUnsigned(2);
      case I4 -> number = (int) readUnsigned(4);
      case U4 -> number = readUnsigned(4);
      case U8 -> number = readLength(8);
      case F8 -> skip(8);
      case TEXT_U1 -> text(readUnsigned(1), op);
      case TEXT_I4 -> text(readSignedLength(), op);
      case TEXT_U4 -> text(readUnsigned(4), op);
      case TEXT_U8 -> text(readLength(8), op);
      case BYTES_U1 -> bytesPayload(readUnsigned(1));
      case BYTES_U4 -> bytesPayload(readUnsigned(4));
      case BYTES_U8 -> bytesPayload(readLength(8));
      case LONG_U1 -> longValue(readUnsigned(1));
      case LONG_I4 -> longValue(readSignedLength());
    }
    return op;
  }

  /** Reads one byte, or -1 at the end of the source. */
  int readByte() throws IOException {
    if (bufPos >= bufLen && !fill()) {
      return -1;
    }
    return buf[bufPos++] & 0xff;
  }

  /** Moves past {@code n} bytes without reading them. */
  void skip(long n) throws IOException {
    long target = position() + n;
    if (n < 0 || target > size || target < 0) {
      throw new EOFException(
          "pickle payload of "
              + n
              + " bytes at offset "
              + position()
              + " runs past the end of the file");
    }
    long inBuffer = (long) bufLen - bufPos;
    if (n <= inBuffer) {
      bufPos += (int) n;
    } else {
      bufStart = target;
      bufPos = 0;
      bufLen = 0;
    }
  }

  private boolean fill() throws IOException {
    long pos = position();
    if (pos >= size) {
      return false;
    }
    if (readBytes >= maxReadBytes) {
      throw new PickleLimitException(
          "pickle analysis stopped after " + maxReadBytes + " bytes (the per-stream limit)", pos);
    }
    int n = source.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
    if (n <= 0) {
      return false;
    }
    readBytes += n;
    bufStart = pos;
    bufPos = 0;
    bufLen = n;
    return true;
  }

  private long readUnsigned(int n) throws IOException {
    long v = 0;
    for (int i = 0; i < n; i++) {
      int b = readByte();
      if (b < 0) {
        throw new EOFException("pickle argument cut off at offset " + position());
      }
      v |= (long) b << (8 * i);
    }
    return v;
  }

  private long readSignedLength() throws IOException {
    long n = (int) readUnsigned(4);
    if (n < 0) {
      throw new MalformedFileException("negative length " + n + " at offset " + offset, offset);
    }
    return n;
  }

  private long readLength(int bytes) throws IOException {
    long n = readUnsigned(bytes);
    if (n < 0) {
      throw new MalformedFileException("length over 2^63 at offset " + offset, offset);
    }
    return n;
  }

  /**
   * Skips a bytes payload; a short one that is printable text (a token or key stored as bytes) is
   * kept in {@link #text} for the secret search. Long payloads are array data and never read.
   */
  private void bytesPayload(long n) throws IOException {
    number = n;
    if (n < 16 || n > TEXT_PREFIX * 2L) {
      skip(n);
      return;
    }
    int len = (int) n;
    readInto(scratch, len);
    int printable = 0;
    for (int i = 0; i < len; i++) {
      int c = scratch[i] & 0xff;
      if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t') {
        printable++;
      }
    }
    if (printable * 10L >= len * 9L) {
      text = new String(scratch, 0, len, StandardCharsets.ISO_8859_1);
    }
  }

  private void readInto(byte[] dst, int n) throws IOException {
    int done = 0;
    while (done < n) {
      if (bufPos >= bufLen && !fill()) {
        throw new EOFException("pickle argument cut off at offset " + position());
      }
      int k = Math.min(n - done, bufLen - bufPos);
      System.arraycopy(buf, bufPos, dst, done, k);
      bufPos += k;
      done += k;
    }
  }

  private void text(long n, PickleOpcode op) throws IOException {
    number = n;
    int keep = (int) Math.min(n, scratch.length);
    readInto(scratch, keep);
    skip(n - keep);
    complete = keep == n;
    boolean latin1 = op == PickleOpcode.BINSTRING || op == PickleOpcode.SHORT_BINSTRING;
    String s =
        new String(scratch, 0, keep, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    if (s.length() > TEXT_PREFIX) {
      s = s.substring(0, TEXT_PREFIX);
      complete = false;
    }
    text = s;
  }

  private void longValue(long n) throws IOException {
    if (n > 8) {
      skip(n);
      complete = false;
      return;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      int b = readByte();
      if (b < 0) {
        throw new EOFException("pickle argument cut off at offset " + position());
      }
      v |= (long) b << (8 * i);
    }
    if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
      v -= 1L << (8 * n);
    }
    number = v;
  }

  /** Reads a newline-terminated line, keeping at most {@link #TEXT_PREFIX} characters. */
  private String readLine() throws IOException {
    int kept = 0;
    boolean whole = true;
    while (true) {
      int b = readByte();
      if (b < 0) {
        throw new EOFException("pickle text argument at offset " + offset + " has no newline");
      }
      if (b == '\n') {
        break;
      }
      if (kept < TEXT_PREFIX) {
        scratch[kept++] = (byte) b;
      } else {
        whole = false;
      }
    }
    complete = whole;
    return new String(scratch, 0, kept, StandardCharsets.ISO_8859_1);
  }

  private void line(PickleOpcode op) throws IOException {
    String raw = readLine();
    switch (op) {
      case INT, LONG, GET, PUT -> {
        String digits = raw.strip();
        if (op == PickleOpcode.LONG && digits.endsWith("L")) {
          digits = digits.substring(0, digits.length() - 1);
        }
        if (!digits.matches("[-+]?[0-9]+")) {
          throw new MalformedFileException(
              op + " argument is not an integer at offset " + offset, offset);
        }
        try {
          number = Long.parseLong(digits);
        } catch (NumberFormatException e) {
          number = Long.MAX_VALUE; // a big integer: its value does not matter to the analysis
        }
        text = digits;
      }
      case STRING -> text = unquote(raw);
      case UNICODE -> text = rawUnicodeEscape(raw);
      default -> text = raw;
    }
  }

  private String unquote(String raw) throws MalformedFileException {
    String s = raw.strip();
    if (s.length() < 2
        || (s.charAt(0) != '\'' && s.charAt(0) != '"')
        || s.charAt(s.length() - 1) != s.charAt(0)) {
      if (!complete && !s.isEmpty() && (s.charAt(0) == '\'' || s.charAt(0) == '"')) {
        return unescape(s.substring(1));
      }
      throw new MalformedFileException("STRING argument is not quoted at offset " + offset, offset);
    }
    return unescape(s.substring(1, s.length() - 1));
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'x' -> {
          if (isHex(s, i + 1, 2)) {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            sb.append("\\x");
          }
        }
        default -> sb.append(e);
      }
    }
    return sb.toString();
  }

  private static String rawUnicodeEscape(String raw) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() && raw.charAt(i + 1) == 'u' && isHex(raw, i + 2, 4)) {
        sb.append((char) Integer.parseInt(raw.substring(i + 2, i + 6), 16));
        i += 5;
      } else if (c == '\\'
          && i + 1 < raw.length()
          && raw.charAt(i + 1) == 'U'
          && isHex(raw, i + 2, 8)) {
        sb.appendCodePoint(Integer.parseInt(raw.substring(i + 2, i + 10), 16));
        i += 9;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isHex(String s, int from, int n) {
    if (from + n > s.length()) {
      return false;
    }
    for (int i = from; i < from + n; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
