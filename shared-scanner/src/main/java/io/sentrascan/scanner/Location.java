package io.sentrascan.scanner;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a finding is.
 *
 * @param path the display path through nested containers, joined with {@code "!/"} (for example
 *     {@code model.zip!/archive/data.pkl})
 * @param offset byte offset inside the innermost file, or {@code -1} when it does not apply
 * @param context a format-specific pointer such as a layer, node or JSON key; null when none
 */
public record Location(String path, long offset, @Nullable String context) {
  public Location {
    Objects.requireNonNull(path, "path");
  }

  public static Location of(String path) {
    return new Location(path, -1, null);
  }

  public Location withOffset(long newOffset) {
    return new Location(path, newOffset, context);
  }

  public Location withContext(@Nullable String newContext) {
    return new Location(path, offset, newContext);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(path);
    if (offset >= 0) {
      sb.append('@').append(offset);
    }
    if (context != null) {
      sb.append(" [").append(context).append(']');
    }
    return sb.toString();
  }
}
