package io.sentrascan.scanner.container;

import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A cheap walk over plain tar headers (ustar name and prefix fields, no pax or GNU long names) to
 * learn member names and where their data lies, without reading any member. Enough for a tar-based
 * format (NeMo, OCI images) to recognise itself and find its config; the tar container does the
 * full, hardened walk.
 */
public final class TarMembers {
  private static final int BLOCK = 512;

  /** One member: its name, where its data starts and how long it is. */
  /** A member's name and where its data lies. */
  public record Member(String name, long dataAt, long size) {}

  private TarMembers() {}

  /**
   * Up to {@code maxMembers} regular members from the start of the source; stops quietly at the end
   * marker, a bad checksum or a header past the end.
   */
  public static List<Member> list(Source source, int maxMembers) throws IOException {
    List<Member> out = new ArrayList<>();
    long at = 0;
    while (out.size() < maxMembers && at + BLOCK <= source.size()) {
      byte[] h = source.readFully(at, BLOCK);
      if (!TarScanner.checksumMatches(h)) {
        break;
      }
      long size = octal(h, 124, 12);
      if (size < 0) {
        break;
      }
      int type = h[156];
      String name = field(h, 0, 100);
      if (h[257] == 'u' && h[258] == 's' && h[259] == 't') {
        String prefix = field(h, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      if (type == 0 || type == '0' || type == '7') {
        out.add(new Member(name, at + BLOCK, size));
      }
      long next = at + BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
      if (next <= at) {
        break;
      }
      at = next;
    }
    return out;
  }

  /** The last path segment, after stripping a leading {@code ./}. */
  public static String baseName(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  private static String field(byte[] h, int offset, int len) {
    int end = offset;
    while (end < offset + len && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int offset, int len) {
    long v = 0;
    int i = offset;
    int end = offset + len;
    while (i < end && (h[i] == ' ' || h[i] == '0')) {
      i++;
    }
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      v = v * 8 + (h[i] - '0');
    }
    return i < end && h[i] != 0 && h[i] != ' ' ? -1 : v;
  }
}
