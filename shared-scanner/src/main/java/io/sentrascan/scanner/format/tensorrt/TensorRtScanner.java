package io.sentrascan.scanner.format.tensorrt;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TensorRT serialized engines ({@code .engine}, {@code .plan}), recognised by the plan magic tag
 * {@code ftrt} (or {@code ptrt}) at byte 0. The engine layout is proprietary, so the scan is a
 * bounded string scan: shared-library references (plugin libraries are native code loaded when the
 * engine is deserialized), embedded ELF libraries (version-compatible engines can carry plugin
 * libraries), and the names of NVIDIA plugins ({@code *_TRT}).
 */
// What is known about the header (checked 2026-11-27; the runtime is closed source and NVIDIA's
// public headers do not define it): deserialisation first checks a 4-byte magic tag
// (NVIDIA/TensorRT issues #1384, #2915: "plan->header.magicTag == rt::kPLAN_MAGIC_TAG"), then a
// serialization version in byte 8, which NVIDIA confirmed encodes the TensorRT release
// (NVIDIA/TensorRT #3073: 205 = 8.2, 213 = 8.4, 232 = 8.5). The tags "ftrt"/"ptrt" come from
// engine files seen in the wild, not from a specification; one report (ultralytics #22910) gives
// 0x74727402 for recent releases, not confirmed by any NVIDIA source, so it is not accepted yet. An
// engine with another tag is left to the other scanners (and ends as unrecognised), never
// mis-parsed.
public final class TensorRtScanner implements Scanner {
  /** Bytes scanned at most; engines are mostly weights and kernels. */
  static final long MAX_SCAN_BYTES = 512L * 1024 * 1024;

  private static final int CHUNK = 64 * 1024;
  private static final int MIN_RUN = 6;
  private static final int MAX_RUN = 512;
  private static final int PER_RULE = 10;

  private static final Pattern LIBRARY =
      Pattern.compile("(?i)[\\w./\\\\:-]*[\\w-]+\\.(?:so(?:\\.\\d+)*|dll|dylib)(?![\\w.])");
  private static final Pattern NVIDIA_LIBRARY =
      Pattern.compile(
          "(?i)(?:^|[/\\\\])(?:lib)?(?:nvinfer|nvonnxparser|nvparsers|cudnn|cublas|cublasLt|cudart|nvrtc|myelin)[\\w.-]*$");
  private static final Pattern NVIDIA_PLUGIN =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_TRT");

  @Override
  public String name() {
    return "tensorrt";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "TensorRT engine/plan (magic `ftrt`/`ptrt`): bounded string scan for plugin shared-library references (native code loaded at deserialization; NVIDIA's own libraries rated lower), embedded ELF libraries, NVIDIA plugin names.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith("ftrt") || probe.startsWith("ptrt");
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("tensorrt-engine");
    if (source.size() < 32) {
      throw new MalformedFileException(
          "a TensorRT engine of " + source.size() + " bytes ends inside its header", 0);
    }
    context.addProperty(
        "tensorrt.serialization_version", Integer.toString(source.readFully(8, 1)[0] & 0xff));
    Map<String, Integer> counts = new TreeMap<>();
    long limit = Math.min(source.size(), MAX_SCAN_BYTES);
    if (limit < source.size()) {
      context.addProperty("tensorrt.scanned_bytes", Long.toString(limit));
    }
    byte[] buf = new byte[CHUNK];
    StringBuilder run = new StringBuilder();
    long runStart = 0;
    // The last bytes of the previous chunk, to see an ELF header split across chunks.
    byte[] tail = new byte[0];
    for (long pos = 0; pos < limit; ) {
      context.checkDeadline();
      int n = source.read(pos, buf, 0, (int) Math.min(CHUNK, limit - pos));
      if (n <= 0) {
        break;
      }
      findElf(tail, buf, n, pos, context, counts);
      for (int i = 0; i < n; i++) {
        int b = buf[i] & 0xff;
        if (b >= 0x20 && b < 0x7f) {
          if (run.length() == 0) {
            runStart = pos + i;
          }
          if (run.length() < MAX_RUN) {
            run.append((char) b);
          }
        } else if (run.length() > 0) {
          text(run.toString(), runStart, context, counts);
          run.setLength(0);
        }
      }
      tail = java.util.Arrays.copyOfRange(buf, Math.max(0, n - 6), n);
      pos += n;
    }
    if (run.length() > 0) {
      text(run.toString(), runStart, context, counts);
    }
    counts.forEach(
        (rule, k) -> {
          if (k > PER_RULE) {
            context.report(
                rule,
                Severity.INFO,
                context.at(-1, rule),
                (k - PER_RULE) + " more " + rule + " findings were not listed (" + k + " in all).",
                rule + " x " + k);
          }
        });
  }

  private static void text(String run, long at, ScanContext context, Map<String, Integer> counts) {
    if (run.length() < MIN_RUN) {
      return;
    }
    Matcher plugin = NVIDIA_PLUGIN.matcher(run);
    while (plugin.find()) {
      context.addProperty("tensorrt.plugins", plugin.group());
    }
    Matcher lib = LIBRARY.matcher(run);
    while (lib.find()) {
      String name = lib.group();
      boolean nvidia = NVIDIA_LIBRARY.matcher(name.toLowerCase(Locale.ROOT)).find();
      if (counts.merge("TRT-001", 1, Integer::sum) > PER_RULE) {
        continue;
      }
      context.report(
          "TRT-001",
          nvidia ? Severity.MEDIUM : Severity.HIGH,
          context.at(at + lib.start(), name),
          "The engine names the shared library "
              + name
              + (nvidia
                  ? ", part of NVIDIA's TensorRT/CUDA stack"
                  : ", which is not part of NVIDIA's TensorRT/CUDA stack")
              + "; plugin libraries are native code that runs when the engine is deserialized.",
          name);
    }
  }

  /** An ELF identification: magic, class 1 or 2, data 1 or 2, version 1. */
  private static void findElf(
      byte[] tail, byte[] buf, int n, long pos, ScanContext context, Map<String, Integer> counts) {
    byte[] joined = new byte[tail.length + n];
    System.arraycopy(tail, 0, joined, 0, tail.length);
    System.arraycopy(buf, 0, joined, tail.length, n);
    for (int i = 0; i + 7 <= joined.length; i++) {
      if (joined[i] == 0x7f
          && joined[i + 1] == 'E'
          && joined[i + 2] == 'L'
          && joined[i + 3] == 'F'
          && (joined[i + 4] == 1 || joined[i + 4] == 2)
          && (joined[i + 5] == 1 || joined[i + 5] == 2)
          && joined[i + 6] == 1) {
        long at = pos - tail.length + i;
        if (counts.merge("TRT-002", 1, Integer::sum) <= PER_RULE) {
          context.report(
              "TRT-002",
              context.at(at),
              "An ELF shared object is embedded in the engine at byte "
                  + at
                  + "; TensorRT loads serialized plugin libraries when it deserializes the engine.",
              "\\x7fELF class " + joined[i + 4] + " data " + joined[i + 5]);
        }
      }
    }
  }
}
