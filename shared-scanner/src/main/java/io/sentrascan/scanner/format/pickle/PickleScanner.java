package io.sentrascan.scanner.format.pickle;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;
import java.util.Set;

/**
 * Raw pickle files whatever their name ({@code .pkl}, {@code .bin}, {@code .ckpt}, none): plain
 * pickle, dill and cloudpickle streams, and uncompressed joblib files (whose array bytes follow
 * their wrappers inside the stream). Recognised by content: a PROTO header, a protocol 0/1 stream
 * that parses cleanly, or a complete importing pickle after a garbage prefix.
 */
public final class PickleScanner implements Scanner {
  /** Extensions of formats that carry no code; a pickle under one of these names is disguised. */
  private static final Set<String> DATA_EXTENSIONS =
      Set.of(
          "txt",
          "json",
          "jsonl",
          "csv",
          "tsv",
          "md",
          "yaml",
          "yml",
          "xml",
          "html",
          "png",
          "jpg",
          "jpeg",
          "gif",
          "safetensors",
          "onnx",
          "gguf",
          "tflite",
          "h5",
          "parquet");

  private final PickleAnalyzer analyzer = PickleAnalyzer.defaults();

  @Override
  public String name() {
    return "pickle";
  }

  @Override
  public String version() {
    return "1.0.0+" + analyzer.listVersions();
  }

  @Override
  public String description() {
    return "Pickle protocols 0–5 under any name (also joblib, dill, cloudpickle): every import resolved through the memo and checked against allow- and deny-lists, calls detected, several streams and streams after garbage analysed, a pickle under a data-format name flagged; string values (and short printable bytes, dict items as `key: value`) searched for secrets, located by opcode offset and masked.";
  }

  @Override
  public boolean supports(Probe probe) {
    byte[] head = probe.head();
    return PickleAnalyzer.startsLikePickle(head) || PickleAnalyzer.hidesPickle(head);
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    String extension = Probe.of(source).extension();
    if (DATA_EXTENSIONS.contains(extension)) {
      context.report(
          "CORE-008",
          context.at(0),
          "The file is named ."
              + extension
              + " but its content is a pickle, which runs code when loaded.",
          "." + extension + " file starting with pickle data");
    }
    try (PickleSession session = analyzer.session(context, 0, null)) {
      session.analyzeAll(source, 0);
      context.setFormat(format(session));
      session
          .protocol()
          .ifPresent(p -> context.addProperty("pickle.protocol", Integer.toString(p)));
    }
  }

  private static String format(PickleSession session) {
    if (session.joblib()) {
      return "joblib";
    }
    if (session.importsFrom("dill")) {
      return "dill";
    }
    if (session.importsFrom("cloudpickle")) {
      return "cloudpickle";
    }
    return "pickle";
  }
}
