package io.sentrascan.scanner.format.nemo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Hydra {@code _target_} values in YAML text. Hydra's {@code instantiate} imports and calls
 * whatever callable the key names, so a config is code: {@code _target_: os.system} with an {@code
 * _args_} list runs a shell command when NeMo restores the model. The YAML is matched as text
 * (block and flow style, quoted or not), never loaded.
 */
final class HydraTargets {
  /** A {@code _target_} value and the byte offset of the value in the config. */
  record Target(String name, int offset, boolean dangerous) {}

  private static final Pattern TARGET =
      Pattern.compile("[\"']?_target_[\"']?\\s*:\\s*[\"']?([^\\s\"',}\\]#]+)");

  /** Modules whose callables are the framework's own: instantiating them is normal. */
  private static final List<String> TRUSTED_PREFIXES =
      List.of(
          "nemo.",
          "torch.",
          "omegaconf.",
          "pytorch_lightning.",
          "lightning.",
          "megatron.core.",
          "transformers.");

  /**
   * Top-level modules (and builtins named bare) that run commands, code or reach the network: a
   * target in them executes on load.
   */
  private static final Set<String> DANGEROUS_ROOTS =
      Set.of(
          "os",
          "posix",
          "nt",
          "subprocess",
          "builtins",
          "__builtin__",
          "sys",
          "shutil",
          "socket",
          "pty",
          "importlib",
          "runpy",
          "pickle",
          "_pickle",
          "dill",
          "marshal",
          "ctypes",
          "code",
          "codeop",
          "commands",
          "webbrowser",
          "multiprocessing",
          "urllib",
          "requests",
          "http",
          "ftplib",
          "smtplib",
          "telnetlib",
          "eval",
          "exec",
          "compile",
          "open",
          "getattr",
          "__import__",
          "hydra.utils.get_method",
          "hydra.utils.get_class",
          "hydra.utils.call",
          "hydra.utils.instantiate");

  private HydraTargets() {}

  /** Every {@code _target_} in the text, in order; {@code text} holds one char per byte. */
  static List<Target> find(String text, int max) {
    List<Target> out = new ArrayList<>();
    Matcher m = TARGET.matcher(text);
    while (m.find() && out.size() < max) {
      String name = m.group(1);
      out.add(new Target(name, m.start(1), isDangerous(name)));
    }
    return out;
  }

  static boolean isTrusted(String name) {
    return TRUSTED_PREFIXES.stream().anyMatch(name::startsWith);
  }

  static boolean isDangerous(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (DANGEROUS_ROOTS.contains(n)) {
      return true;
    }
    for (String root : DANGEROUS_ROOTS) {
      if (n.startsWith(root + ".")) {
        return true;
      }
    }
    return false;
  }
}
