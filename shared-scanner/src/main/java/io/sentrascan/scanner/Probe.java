package io.sentrascan.scanner;

import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What a scanner may look at to decide {@link Scanner#supports}: the first bytes, the size, the
 * name as a hint, and for zip files the parsed central directory (computed once, on demand).
 */
public final class Probe {
  /** How many leading bytes every probe holds. */
  public static final int HEAD_BYTES = 64 * 1024;

  private final Source source;
  private final String fileName;
  private final byte[] head;
  private boolean zipParsed;
  private Optional<ZipIndex> zip = Optional.empty();

  Probe(Source source, String fileName) throws IOException {
    this.source = source;
    this.fileName = fileName;
    this.head = source.readFully(0, (int) Math.min(HEAD_BYTES, source.size()));
  }

  /** A probe over a source, for tests and tools. */
  public static Probe of(Source source) throws IOException {
    String path = source.displayPath();
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return new Probe(source, path.substring(slash + 1));
  }

  public Source source() {
    return source;
  }

  public long size() {
    return source.size();
  }

  /** The last path segment; a hint only. */
  public String fileName() {
    return fileName;
  }

  /** Lower-case extension without the dot, or "" when none. */
  public String extension() {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** A copy of the first bytes (up to {@link #HEAD_BYTES}). */
  public byte[] head() {
    return head.clone();
  }

  /** The byte at {@code index} of the head, or -1 beyond it. */
  public int byteAt(int index) {
    return index < head.length ? head[index] & 0xff : -1;
  }

  public int headLength() {
    return head.length;
  }

  public boolean startsWith(byte... magic) {
    return startsWithAt(0, magic);
  }

  public boolean startsWith(String asciiMagic) {
    return startsWith(asciiMagic.getBytes(StandardCharsets.ISO_8859_1));
  }

  public boolean startsWithAt(int offset, byte... magic) {
    if (offset + magic.length > head.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[offset + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The zip central directory when the file is a zip (content decides: a local header at the start,
   * or an end-of-central-directory record at the end); empty when it is not, or when the directory
   * cannot be parsed.
   */
  public synchronized Optional<ZipIndex> zip() {
    if (!zipParsed) {
      zipParsed = true;
      if (startsWith('P', 'K', 3, 4) || startsWith('P', 'K', 5, 6) || ZipIndex.hasTrailer(source)) {
        try {
          zip = Optional.of(ZipIndex.read(source));
        } catch (IOException | RuntimeException e) {
          zip = Optional.empty();
        }
      }
    }
    return zip;
  }

  private boolean startsWith(char a, char b, int c, int d) {
    return startsWith((byte) a, (byte) b, (byte) c, (byte) d);
  }
}
