package io.sentrascan.scanner.container;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Scanners;
import io.sentrascan.scanner.Sources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds archives in memory and scans them through the whole engine. */
final class Archives {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/archive");

  private Archives() {}

  static ScanResult scan(String name, byte[] data) {
    return scan(name, data, Limits.defaults());
  }

  static ScanResult scan(String name, byte[] data, Limits limits) {
    return new ScanEngine(Scanners.defaults(), limits)
        .scanSources(List.of(Sources.bytes(data, name)), Policy.defaults());
  }

  static ScanResult scanFixture(String fileName) throws IOException {
    return scan(fileName, Files.readAllBytes(FIXTURES.resolve(fileName)));
  }

  static List<Finding> findings(ScanResult result, String ruleId) {
    return result.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  static FileResult file(ScanResult result, String path) {
    return result.files().stream()
        .filter(f -> f.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no file " + path + " in " + paths(result)));
  }

  static List<String> paths(ScanResult result) {
    return result.files().stream().map(FileResult::path).toList();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A zip of name/content pairs, stored (not compressed). */
  static byte[] storedZip(Object... nameThenContent) {
    return zip(true, nameThenContent);
  }

  private static byte[] zip(boolean stored, Object[] nameThenContent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (int i = 0; i < nameThenContent.length; i += 2) {
        byte[] data = content(nameThenContent[i + 1]);
        ZipEntry e = new ZipEntry((String) nameThenContent[i]);
        if (stored) {
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCompressedSize(data.length);
          CRC32 crc = new CRC32();
          crc.update(data);
          e.setCrc(crc.getValue());
        }
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A zip of name/content pairs, deflated. */
  static byte[] zip(Object... nameThenContent) {
    return zip(false, nameThenContent);
  }

  /** A tar of name/content pairs; a content of type TarArchiveEntry is written as that header. */
  static byte[] tar(Object... nameThenContent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < nameThenContent.length; i += 2) {
        Object content = nameThenContent[i + 1];
        if (content instanceof TarArchiveEntry header) {
          t.putArchiveEntry(header);
        } else {
          byte[] data = content(content);
          TarArchiveEntry e = new TarArchiveEntry((String) nameThenContent[i], true);
          e.setSize(data.length);
          t.putArchiveEntry(e);
          t.write(data);
        }
        t.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] content(Object o) {
    return o instanceof byte[] b ? b : utf8((String) o);
  }
}
