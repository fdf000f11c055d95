package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Tells text from binary by content, and reads text within a size bound. */
public final class TextSniff {
  private TextSniff() {}

  /**
   * True when the probe's head is non-empty UTF-8 text: no NUL byte, almost no control characters,
   * valid UTF-8 (a sequence cut by the end of the head is allowed).
   */
  public static boolean isText(Probe probe) {
    byte[] head = probe.head();
    if (head.length == 0) {
      return false;
    }
    int controls = 0;
    for (byte b : head) {
      int c = b & 0xff;
      if (c == 0) {
        return false;
      }
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) {
        controls++;
      }
    }
    if (controls * 100 > head.length) {
      return false;
    }
    int end = head.length;
    if (probe.size() > head.length) {
      // Do not fail on a character the head cuts in two.
      int k = end - 1;
      while (k > end - 4 && k > 0 && (head[k] & 0xc0) == 0x80) {
        k--;
      }
      if ((head[k] & 0x80) != 0) {
        end = k;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      decoder.decode(ByteBuffer.wrap(head, 0, end));
      return true;
    } catch (CharacterCodingException e) {
      return false; // not UTF-8: binary, or a legacy encoding we do not claim
    }
  }

  /** The probe's head decoded as UTF-8, with a leading byte-order mark removed. */
  public static String headText(Probe probe) {
    return stripBom(new String(probe.head(), StandardCharsets.UTF_8));
  }

  /**
   * Reads at most {@code maxBytes} of the source as UTF-8 (malformed bytes become U+FFFD). A
   * leading byte-order mark is kept as U+FEFF, so that {@link TextLocator} byte offsets stay exact.
   */
  public static String read(Source source, long maxBytes) throws IOException {
    int len = (int) Math.min(source.size(), Math.min(maxBytes, Integer.MAX_VALUE - 16));
    byte[] bytes = source.readFully(0, len);
    CharBuffer chars =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .decode(ByteBuffer.wrap(bytes));
    return chars.toString();
  }

  private static String stripBom(String s) {
    return s.startsWith("\ufeff") ? s.substring(1) : s;
  }
}
