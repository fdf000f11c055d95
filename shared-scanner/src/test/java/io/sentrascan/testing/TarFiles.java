package io.sentrascan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Reads and writes small tars in tests (to build large variants of committed fixtures). */
public final class TarFiles {
  private TarFiles() {}

  /** The members of a tar, by name, in order. */
  public static Map<String, byte[]> untar(InputStream tar) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  /** The members of the tar at {@code tar}. */
  public static Map<String, byte[]> untar(Path tar) throws IOException {
    return untar(Files.newInputStream(tar));
  }

  /** {@code members} as a ustar (POSIX for long names) archive written to {@code out}. */
  public static void tar(OutputStream out, Map<String, byte[]> members) throws IOException {
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(m.getKey());
        e.setSize(m.getValue().length);
        t.putArchiveEntry(e);
        t.write(m.getValue());
        t.closeArchiveEntry();
      }
    }
  }

  /** {@code members} as a tar file at {@code tar}. */
  public static void tar(Path tar, Map<String, byte[]> members) throws IOException {
    try (OutputStream out = Files.newOutputStream(tar)) {
      tar(out, members);
    }
  }
}
