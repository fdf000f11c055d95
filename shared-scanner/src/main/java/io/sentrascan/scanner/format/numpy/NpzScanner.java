package io.sentrascan.scanner.format.numpy;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * NumPy {@code .npz} archives: a zip whose members are all {@code .npy} arrays. Each member is
 * scanned as a nested file, so its findings carry its own path.
 */
public final class NpzScanner implements Scanner {
  @Override
  public String name() {
    return "numpy-npz";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "NumPy `.npz` (a zip whose members are all `.npy`): every member is scanned as a NumPy array, so object arrays inside are analysed.";
  }

  @Override
  public boolean supports(Probe probe) {
    Optional<ZipIndex> zip = probe.zip();
    if (zip.isEmpty()) {
      return false;
    }
    List<ZipIndex.Entry> files =
        zip.get().entries().stream().filter(e -> !e.isDirectory()).toList();
    return !files.isEmpty() && files.stream().allMatch(e -> e.name().endsWith(".npy"));
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("npz");
    ZipIndex zip = ZipIndex.read(source);
    for (ZipIndex.Entry entry : zip.entries()) {
      if (entry.isDirectory()) {
        continue;
      }
      context.countEntry();
      Source member;
      if (entry.method() == 0) {
        member = ZipIndex.storedEntry(source, entry, context.path() + "!/" + entry.name());
      } else {
        try (InputStream in = ZipIndex.open(source, entry)) {
          member = context.spool(entry.name(), in, entry.compressedSize());
        }
      }
      context.scanNested(entry.name(), member);
    }
  }
}
