package io.sentrascan.scanner.format.numpy;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a {@code .npy} file: magic, version, and the Python-literal dict that describes the
 * array. Parsed as text with narrow patterns, never evaluated.
 *
 * @param version major format version (1, 2 or 3)
 * @param descr the dtype description as written (a string like {@code <f8}, or a structured list)
 * @param shape the array's dimensions
 * @param dataOffset where the array data (or the pickle of an object array) starts
 */
record NpyHeader(int version, String descr, List<Long> shape, long dataOffset) {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** numpy itself refuses larger headers unless told otherwise. */
  private static final int MAX_HEADER = 1 << 20;

  private static final Pattern DESCR_STRING =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern DESCR_LIST = Pattern.compile("['\"]descr['\"]\\s*:\\s*(\\[.*\\])");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern SIMPLE = Pattern.compile("[<>|=]?([a-zA-Z?])(\\d*)");

  static NpyHeader read(Source source) throws IOException {
    byte[] fixed = source.readFully(0, 10);
    for (int i = 0; i < MAGIC.length; i++) {
      if (fixed[i] != MAGIC[i]) {
        throw new MalformedFileException("not a .npy file (bad magic)", 0);
      }
    }
    int major = fixed[6] & 0xff;
    long len;
    int pre;
    if (major == 1) {
      len = (fixed[8] & 0xff) | (fixed[9] & 0xff) << 8;
      pre = 10;
    } else if (major == 2 || major == 3) {
      byte[] l = source.readFully(8, 4);
      len = (l[0] & 0xffL) | (l[1] & 0xffL) << 8 | (l[2] & 0xffL) << 16 | (l[3] & 0xffL) << 24;
      pre = 12;
    } else {
      throw new MalformedFileException("unsupported .npy format version " + major, 6);
    }
    if (len > MAX_HEADER) {
      throw new MalformedFileException(".npy header of " + len + " bytes is implausibly large", 8);
    }
    String text =
        new String(
            source.readFully(pre, (int) len),
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr;
    Matcher d = DESCR_STRING.matcher(text);
    if (d.find()) {
      descr = d.group(1);
    } else {
      Matcher l = DESCR_LIST.matcher(text);
      if (!l.find()) {
        throw new MalformedFileException(".npy header has no descr: " + text.strip(), pre);
      }
      descr = l.group(1);
    }
    Matcher s = SHAPE.matcher(text);
    if (!s.find()) {
      throw new MalformedFileException(".npy header has no shape: " + text.strip(), pre);
    }
    List<Long> shape = new ArrayList<>();
    for (String dim : s.group(1).split(",")) {
      String t = dim.strip().replace("L", "");
      if (t.isEmpty()) {
        continue;
      }
      if (!t.matches("[0-9]{1,18}")) {
        throw new MalformedFileException(".npy header has a bad shape: " + s.group(1), pre);
      }
      shape.add(Long.parseLong(t));
    }
    return new NpyHeader(major, descr, List.copyOf(shape), pre + len);
  }

  /** True when the array holds Python objects, which numpy stores as a pickle. */
  boolean hasObjects() {
    if (descr.startsWith("[")) {
      return descr.matches("(?s).*['\"][|<>=]?O\\d*['\"].*");
    }
    return descr.matches("[|<>=]?O\\d*");
  }

  /** Bytes of array data the header declares, or -1 when the dtype is not a simple one. */
  long dataBytes() {
    Matcher m = SIMPLE.matcher(descr);
    if (!m.matches() || m.group(2).isEmpty()) {
      return -1;
    }
    long item = Long.parseLong(m.group(2));
    if (m.group(1).equals("U")) {
      item *= 4;
    }
    try {
      long n = item;
      for (long dim : shape) {
        n = Math.multiplyExact(n, dim);
      }
      return n;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
