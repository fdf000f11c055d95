package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Location;
import java.util.Arrays;

/**
 * Turns character indexes of a text into report locations: line and column in the location's
 * context, and a byte offset (UTF-8) when the text sits at a known offset of its file.
 */
public final class TextLocator {
  private final CharSequence text;
  private final Location base;
  private int[] lineStarts = new int[] {0};
  private int lines = 1;
  private int scanned;
  private int memoIndex;
  private long memoBytes;

  /**
   * @param text the text the indexes point into
   * @param base where the text is: its offset (or -1 when the text was decoded from some other
   *     encoding, such as a JSON string) and a context naming the part of the file, or null
   */
  public TextLocator(CharSequence text, Location base) {
    this.text = text;
    this.base = base;
  }

  /** 1-based line of {@code index}. */
  public int line(int index) {
    extendTo(index);
    int pos = Arrays.binarySearch(lineStarts, 0, lines, index);
    return pos >= 0 ? pos + 1 : -pos - 1;
  }

  /** 1-based column (in characters) of {@code index}. */
  public int column(int index) {
    return index - lineStart(index) + 1;
  }

  /** Index of the first character of the line holding {@code index}. */
  public int lineStart(int index) {
    return lineStarts[line(index) - 1];
  }

  /**
   * Index of the line break ending the line holding {@code index}, or the text length, looking at
   * most {@code maxChars} ahead (a minified file can be one huge line).
   */
  public int lineEnd(int index, int maxChars) {
    int i = Math.max(0, index);
    int limit = (int) Math.min(text.length(), (long) i + maxChars);
    while (i < limit && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  /** The report location of {@code index}. */
  public Location at(int index) {
    String where = "line " + line(index) + ", column " + column(index);
    String context = base.context() == null ? where : base.context() + " " + where;
    long offset = base.offset() < 0 ? -1 : base.offset() + utf8Bytes(index);
    return new Location(base.path(), offset, context);
  }

  private long utf8Bytes(int index) {
    if (index < memoIndex) {
      memoIndex = 0;
      memoBytes = 0;
    }
    long bytes = memoBytes;
    for (int i = memoIndex; i < index && i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    memoIndex = index;
    memoBytes = bytes;
    return bytes;
  }

  private void extendTo(int index) {
    int limit = Math.min(index, text.length() - 1);
    while (scanned <= limit) {
      char c = text.charAt(scanned);
      boolean breakHere =
          c == '\n'
              || (c == '\r' && (scanned + 1 >= text.length() || text.charAt(scanned + 1) != '\n'));
      scanned++;
      if (breakHere) {
        if (lines == lineStarts.length) {
          lineStarts = Arrays.copyOf(lineStarts, lines * 2);
        }
        lineStarts[lines++] = scanned;
      }
    }
  }
}
