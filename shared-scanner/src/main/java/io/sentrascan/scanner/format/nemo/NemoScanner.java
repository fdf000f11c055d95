package io.sentrascan.scanner.format.nemo;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.TarMembers;
import io.sentrascan.scanner.container.TarScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NVIDIA NeMo {@code .nemo} archives: a tar (gzipped ones reach this scanner through the compressed
 * stream container) holding {@code model_config.yaml} and {@code model_weights.ckpt}. The config's
 * Hydra {@code _target_} keys are checked, then the tar container walks the archive so that every
 * member, the PyTorch checkpoint included, is scanned by its own scanner.
 */
public final class NemoScanner implements Scanner {
  static final String CONFIG = "model_config.yaml";

  /** NeMo archives have a handful of members; the config comes among the first. */
  private static final int PROBE_MEMBERS = 64;

  /** Configs are a few KB; a larger one is not read, and says so. */
  static final int MAX_CONFIG_BYTES = 1 << 20;

  private static final int MAX_TARGET_FINDINGS = 50;

  @Override
  public String name() {
    return "nemo";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "NVIDIA NeMo `.nemo` (tar or tar.gz with `model_config.yaml`): Hydra `_target_` classes outside NeMo/PyTorch/OmegaConf (command-running modules are critical); every member, the PyTorch checkpoint included, scanned recursively.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.headLength() < 512) {
      return false;
    }
    try {
      return TarMembers.list(probe.source(), PROBE_MEMBERS).stream()
          .anyMatch(m -> TarMembers.baseName(m.name()).equals(CONFIG));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    try {
      for (TarMembers.Member m : TarMembers.list(source, PROBE_MEMBERS)) {
        if (TarMembers.baseName(m.name()).equals(CONFIG)) {
          checkConfig(source, m, ctx);
        }
      }
      new TarScanner().scan(source, ctx);
    } finally {
      ctx.setFormat("nemo");
    }
  }

  private static void checkConfig(Source source, TarMembers.Member m, ScanContext ctx)
      throws IOException {
    if (m.size() > MAX_CONFIG_BYTES || m.dataAt() + m.size() > source.size()) {
      ctx.report(
          "NEMO-003",
          ctx.at(m.dataAt(), m.name()),
          m.name()
              + " declares "
              + m.size()
              + " bytes; only configs up to "
              + MAX_CONFIG_BYTES
              + " bytes inside the archive are checked for Hydra targets.",
          "size=" + m.size());
      return;
    }
    // One char per byte keeps offsets exact; module names are ASCII.
    String text =
        new String(source.readFully(m.dataAt(), (int) m.size()), StandardCharsets.ISO_8859_1);
    List<HydraTargets.Target> targets = HydraTargets.find(text, Integer.MAX_VALUE);
    int reported = 0;
    for (HydraTargets.Target t : targets) {
      ctx.addProperty("nemo.target", t.name());
      if (HydraTargets.isTrusted(t.name()) && !t.dangerous()) {
        continue;
      }
      if (++reported > MAX_TARGET_FINDINGS) {
        continue;
      }
      long at = m.dataAt() + t.offset();
      String where = m.name() + ":" + line(text, t.offset());
      if (t.dangerous()) {
        ctx.report(
            "NEMO-001",
            Severity.CRITICAL,
            ctx.at(at, where),
            "Hydra _target_ "
                + t.name()
                + " is called when NeMo restores the model: it runs commands or code.",
            "_target_: " + t.name());
      } else {
        ctx.report(
            "NEMO-002",
            ctx.at(at, where),
            "Hydra _target_ "
                + t.name()
                + " is outside NeMo, PyTorch and OmegaConf; restoring the model imports and calls it.",
            "_target_: " + t.name());
      }
    }
    if (reported > MAX_TARGET_FINDINGS) {
      ctx.error(
          (reported - MAX_TARGET_FINDINGS)
              + " more untrusted _target_ values in "
              + m.name()
              + " were not reported");
    }
  }

  private static String line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return "line " + line;
  }
}
