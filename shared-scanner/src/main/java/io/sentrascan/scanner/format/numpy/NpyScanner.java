package io.sentrascan.scanner.format.numpy;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;

/**
 * NumPy {@code .npy} arrays. Numeric data is never read; an object array's pickle is analysed, and
 * bytes past the declared data are searched for hidden pickles.
 */
public final class NpyScanner implements Scanner {
  private final PickleAnalyzer analyzer = PickleAnalyzer.defaults();

  @Override
  public String name() {
    return "numpy";
  }

  @Override
  public String version() {
    return "1.0.0+" + analyzer.listVersions();
  }

  @Override
  public String description() {
    return "NumPy `.npy` (magic `\\x93NUMPY`): header parsed as text; an object (`|O`) array's embedded pickle is analysed; bytes after the array are searched for hidden pickles.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith(NpyHeader.MAGIC);
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("npy");
    NpyHeader header = NpyHeader.read(source);
    context.addProperty("numpy.dtype", header.descr());
    if (header.hasObjects()) {
      context.report(
          "NPY-001",
          context.at(header.dataOffset()),
          "The array has dtype "
              + header.descr()
              + ": its elements are stored as a pickle, which numpy.load(allow_pickle=True) runs.",
          "descr " + header.descr());
      try (PickleSession session = analyzer.session(context, 0, null)) {
        session.analyzeAll(source, header.dataOffset());
      }
      return;
    }
    long data = header.dataBytes();
    if (data < 0) {
      return; // a structured dtype: its size is not needed to find hidden content at the end
    }
    long end = header.dataOffset() + data;
    if (data == Long.MAX_VALUE || end > source.size()) {
      throw new MalformedFileException(
          "array data is cut off: the header declares "
              + data
              + " bytes but the file has "
              + (source.size() - header.dataOffset()),
          source.size());
    }
    if (end < source.size()) {
      context.report(
          "NPY-002",
          context.at(end),
          (source.size() - end) + " bytes follow the array data declared by the header.",
          "data ends at offset " + end);
      try (PickleSession session = analyzer.session(context, 0, null)) {
        session.searchHidden(source, end);
      }
    }
  }
}
