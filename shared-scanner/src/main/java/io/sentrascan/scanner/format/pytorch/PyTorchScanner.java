package io.sentrascan.scanner.format.pytorch;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.ZipIndex;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * PyTorch checkpoints: the zip format of {@code torch.save} (any top-level folder name),
 * TorchScript archives ({@code torch.jit.save}: code/ plus constants.pkl), and the legacy non-zip
 * format (a sequence of pickles followed by raw storage bytes). Only the central directory, the
 * pickles and the TorchScript code are read; tensor data is never touched.
 */
public final class PyTorchScanner implements Scanner {
  /** Legacy files start with a pickle of this number: PROTO 2, LONG1 of 10 bytes. */
  static final byte[] LEGACY_MAGIC = {
    (byte) 0x8a,
    0x0a,
    0x6c,
    (byte) 0xfc,
    (byte) 0x9c,
    0x46,
    (byte) 0xf9,
    0x20,
    0x6a,
    (byte) 0xa8,
    0x50,
    0x19
  };

  /** The pickles of a legacy file: magic, protocol, system info, the object, storage keys. */
  private static final int LEGACY_PICKLES = 5;

  private final PickleAnalyzer analyzer = PickleAnalyzer.defaults();

  @Override
  public String name() {
    return "pytorch";
  }

  @Override
  public String version() {
    return "1.0.0+" + analyzer.listVersions();
  }

  @Override
  public String description() {
    return "PyTorch zip checkpoints (any top folder, bad CRCs tolerated), TorchScript archives and legacy PyTorch files: every pickle analysed (tensor data never read), TorchScript code checked for non-standard ops and Python execution, data after legacy storages searched.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (isLegacy(probe)) {
      return true;
    }
    Optional<ZipIndex> zip = probe.zip();
    return zip.isPresent()
        && zip.get().entries().stream()
            .anyMatch(
                e ->
                    isTopLevelPickle(e.name(), "data.pkl")
                        || isTopLevelPickle(e.name(), "constants.pkl"));
  }

  private static boolean isLegacy(Probe probe) {
    return (probe.byteAt(0) == 0x80 && probe.startsWithAt(2, LEGACY_MAGIC))
        || probe.startsWith(LEGACY_MAGIC);
  }

  /** {@code folder/data.pkl}: the folder name is whatever the writer chose. */
  private static boolean isTopLevelPickle(String name, String file) {
    int slash = name.indexOf('/');
    return slash > 0 && name.substring(slash + 1).equals(file);
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    Probe probe = Probe.of(source);
    if (isLegacy(probe)) {
      scanLegacy(source, context);
    } else {
      scanZip(source, context);
    }
  }

  private void scanLegacy(Source source, ScanContext context) throws IOException {
    context.setFormat("pytorch-legacy");
    try (PickleSession session = analyzer.session(context, 0, null)) {
      long pos = 0;
      for (int i = 0; i < LEGACY_PICKLES && pos < source.size(); i++) {
        PickleSession.StreamResult r = session.analyzeStream(source, pos);
        if (!r.complete()) {
          pos = r.end();
          break;
        }
        pos = r.end();
      }
      // What follows is raw storage data; only a pickle hidden in or after it matters.
      session.searchHidden(source, pos);
    }
  }

  private void scanZip(Source source, ScanContext context) throws IOException {
    ZipIndex zip = ZipIndex.read(source);
    boolean torchScript =
        zip.entries().stream()
            .anyMatch(
                e ->
                    isTopLevelPickle(e.name(), "constants.pkl")
                        || (e.name().contains("/code/") && e.name().endsWith(".py")));
    context.setFormat(torchScript ? "torchscript" : "pytorch-zip");
    TorchScriptCodeCheck code = new TorchScriptCodeCheck(context);
    for (ZipIndex.Entry entry : zip.entries()) {
      String name = entry.name();
      // .debug_pkl entries of TorchScript archives are pickles too.
      boolean pickle = name.endsWith(".pkl") || name.endsWith(".debug_pkl");
      boolean script =
          name.endsWith(".py") && (name.startsWith("code/") || name.contains("/code/"));
      if (entry.isDirectory() || !(pickle || script)) {
        continue; // tensor data and metadata are never read
      }
      context.countEntry();
      if (entry.isEncrypted()) {
        context.error("entry " + name + " is encrypted and was not scanned");
        continue;
      }
      if (pickle) {
        scanPickle(source, context, entry);
      } else {
        try (InputStream in = ZipIndex.open(source, entry)) {
          code.check(name, in);
        }
      }
    }
  }

  private void scanPickle(Source source, ScanContext context, ZipIndex.Entry entry)
      throws IOException {
    Source data;
    long base;
    if (entry.method() == 0) {
      // Offsets in findings are offsets in the checkpoint file itself.
      base = ZipIndex.dataOffset(source, entry);
      data = source.slice(base, entry.compressedSize(), context.path() + "!/" + entry.name());
    } else {
      base = 0;
      try (InputStream in = ZipIndex.open(source, entry)) {
        data = context.spool(entry.name(), in, entry.compressedSize());
      }
    }
    try (PickleSession session = analyzer.session(context, base, entry.name())) {
      session.analyzeAll(data, 0);
    }
  }
}
