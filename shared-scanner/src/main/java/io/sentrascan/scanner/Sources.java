package io.sentrascan.scanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Factories for the common sources. */
public final class Sources {
  private Sources() {}

  /**
   * A local file, read with positional reads. The caller closes the returned source when the scan
   * is over.
   */
  public static FileSource file(Path path, String displayPath) throws IOException {
    return new FileSource(FileChannel.open(path, StandardOpenOption.READ), displayPath);
  }

  /** Bytes already in memory. */
  public static Source bytes(byte[] data, String displayPath) {
    return new ByteArraySource(data, displayPath);
  }

  /** A file source; {@link #close()} releases its channel. */
  public static final class FileSource implements Source, AutoCloseable {
    private final FileChannel channel;
    private final long size;
    private final String displayPath;

    FileSource(FileChannel channel, String displayPath) throws IOException {
      this.channel = channel;
      this.size = channel.size();
      this.displayPath = displayPath;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public String displayPath() {
      return displayPath;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
      if (position >= size) {
        return -1;
      }
      int want = (int) Math.min(len, size - position);
      int done = 0;
      ByteBuffer bb = ByteBuffer.wrap(buf, off, want);
      while (done < want) {
        int n = channel.read(bb, position + done);
        if (n < 0) {
          break;
        }
        done += n;
      }
      return done == 0 ? -1 : done;
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final class ByteArraySource implements Source {
    private final byte[] data;
    private final String displayPath;

    ByteArraySource(byte[] data, String displayPath) {
      this.data = data;
      this.displayPath = displayPath;
    }

    @Override
    public long size() {
      return data.length;
    }

    @Override
    public String displayPath() {
      return displayPath;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) {
      if (position >= data.length) {
        return -1;
      }
      int n = (int) Math.min(len, data.length - position);
      System.arraycopy(data, (int) position, buf, off, n);
      return n;
    }
  }
}
