package io.sentrascan.scanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a {@link Source}, for libraries that want random access (Commons
 * Compress for 7z, jhdf for HDF5): reads go to the source by position, wherever it lives (a local
 * file, a zip entry, an S3 object), so nothing is copied or held beyond the caller's buffer.
 */
public final class SourceChannel implements SeekableByteChannel {
  private final Source source;
  private long position;
  private boolean open = true;

  public SourceChannel(Source source) {
    this.source = source;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= source.size()) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), source.size() - position);
    if (want == 0) {
      return 0;
    }
    int n;
    if (dst.hasArray()) {
      n = source.read(position, dst.array(), dst.arrayOffset() + dst.position(), want);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else {
      byte[] buf = new byte[Math.min(want, 1 << 16)];
      n = source.read(position, buf, 0, buf.length);
      if (n > 0) {
        dst.put(buf, 0, n);
      }
    }
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return source.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
