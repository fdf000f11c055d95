package io.sentrascan.scanner.signing;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The provenance step of a scan: after the files were scanned, looks for each target's model
 * signature ({@code model.sig} in a folder, or the file given), verifies it, and adds the outcome
 * as findings: {@code SIGN-004} (INFO) when verified, {@code SIGN-002}/{@code SIGN-003} (HIGH) when
 * the signature or a file does not match, {@code SIGN-005} when the files match but no trusted key
 * was given, and {@code SIGN-001} (LOW, or HIGH when a signature is required) for a target that
 * holds model files and no signature. Targets with no model file (a folder of scripts) get nothing.
 */
public final class SignatureCheck {
  /** The default signature file name, as the reference tool writes it. */
  public static final String DEFAULT_NAME = "model.sig";

  /** FileResult property naming the verification outcome, set on the signature file. */
  public static final String STATUS_PROPERTY = "signature.status";

  /** FileResult property naming who signed, set on the signature file. */
  public static final String SIGNER_PROPERTY = "signature.signer";

  /**
   * Scanners whose files are models (weights, graphs, serialized estimators): a target with one of
   * these, at any depth, is a model and should be signed. Code, configs, cards, tokenizers and
   * plain archives are not models by themselves. A new model format adds its scanner name here.
   */
  static final Set<String> MODEL_SCANNERS =
      Set.of(
          "catboost",
          "coreml",
          "executorch",
          "flax",
          "gguf",
          "keras-hdf5",
          "keras-metadata",
          "keras-v3",
          "lightgbm",
          "llamafile",
          "mxnet-params",
          "mxnet-symbol",
          "nemo",
          "numpy",
          "numpy-npz",
          "onnx",
          "openvino",
          "paddle",
          "pickle",
          "pmml",
          "pytorch",
          "r-serialization",
          "safetensors",
          "skops",
          "tensorflow",
          "tensorrt",
          "tflite",
          "torchserve",
          "xgboost");

  private static final RuleCatalog RULES = RuleCatalog.defaults();

  /**
   * How to check.
   *
   * @param signature the signature file for a single target; null to look for {@code model.sig} in
   *     each folder target
   * @param trust what the signature must verify against; {@link Trust.None} checks the files only
   * @param requireSignature raise "unsigned" and "signer not verified" to HIGH
   */
  public record Options(@Nullable Path signature, Trust trust, boolean requireSignature) {
    public Options {
      Objects.requireNonNull(trust, "trust");
    }

    public static Options defaults() {
      return new Options(null, new Trust.None(), false);
    }
  }

  /** The signature status a result records, for the BOM: from the most to the least severe. */
  public record Status(String status, @Nullable String signer) {}

  private SignatureCheck() {}

  /** The result with the signature findings added and the verdict computed again. */
  public static ScanResult apply(ScanResult result, Options options) {
    Map<String, FileResult> files = new LinkedHashMap<>();
    for (FileResult f : result.files()) {
      files.put(f.path(), f);
    }
    Additions add = new Additions();
    for (String target : result.targets()) {
      Path targetPath;
      try {
        targetPath = Path.of(target);
      } catch (InvalidPathException e) {
        continue; // a source name such as an S3 key, not a local path
      }
      checkTarget(target, targetPath, result, options, files, add);
    }
    if (add.isEmpty()) {
      return result;
    }
    List<FileResult> out = new ArrayList<>();
    for (FileResult f : files.values()) {
      out.add(add.applyTo(f));
    }
    out.sort(Comparator.comparing(FileResult::path));
    return new ScanResult(
        result.scanId(),
        result.startedAt(),
        result.durationMillis(),
        result.toolVersion(),
        result.scanners(),
        result.targets(),
        List.copyOf(out),
        result.policy(),
        result.policy().verdict(out));
  }

  private static void checkTarget(
      String target,
      Path targetPath,
      ScanResult result,
      Options options,
      Map<String, FileResult> files,
      Additions add) {
    Path sig = options.signature();
    if (sig == null && Files.isDirectory(targetPath, LinkOption.NOFOLLOW_LINKS)) {
      Path candidate = targetPath.resolve(DEFAULT_NAME);
      if (Files.isRegularFile(candidate)) {
        sig = candidate;
      }
    }
    if (sig == null) {
      List<String> models = modelFiles(result, target);
      if (!models.isEmpty()) {
        Rule rule = RULES.rule("SIGN-001");
        add.finding(
            models.get(0),
            rule.finding(
                options.requireSignature() ? Severity.HIGH : rule.severity(),
                Location.of(target),
                "No model signature ("
                    + DEFAULT_NAME
                    + ") for "
                    + target
                    + ": "
                    + models.size()
                    + " model file"
                    + (models.size() == 1 ? " is" : "s are")
                    + " unsigned.",
                String.join(", ", models.subList(0, Math.min(3, models.size())))));
      }
      return;
    }
    String sigPath = ensureFile(files, sig);
    VerificationResult v;
    try {
      v = ModelVerifier.verify(targetPath, sig, options.trust());
    } catch (SigningException | RuntimeException e) {
      // Fail closed: whatever went wrong, the model is not reported as signed.
      add.property(sigPath, STATUS_PROPERTY, "invalid");
      add.finding(
          sigPath,
          RULES
              .rule("SIGN-002")
              .finding(
                  Location.of(sigPath),
                  "The signature " + sig + " could not be verified: " + e.getMessage(),
                  sig.toString()));
      return;
    }
    add.property(sigPath, SIGNER_PROPERTY, v.signer());
    for (String problem : v.signatureProblems()) {
      add.property(sigPath, STATUS_PROPERTY, "invalid");
      add.finding(
          sigPath,
          RULES
              .rule("SIGN-002")
              .finding(
                  Location.of(sigPath),
                  "The signature " + sig + " is not trusted: " + problem + ".",
                  v.signer()));
    }
    ManifestDiff diff = v.diff();
    diffFindings(targetPath, sigPath, files, add, diff.changed(), "was changed after signing");
    diffFindings(targetPath, sigPath, files, add, diff.missing(), "is signed but missing");
    diffFindings(targetPath, sigPath, files, add, diff.extra(), "was added after signing");
    if (!diff.isEmpty()) {
      add.property(sigPath, STATUS_PROPERTY, "modified");
    }
    if (!v.signatureProblems().isEmpty() || !diff.isEmpty()) {
      return;
    }
    if (v.verified()) {
      add.property(sigPath, STATUS_PROPERTY, "verified");
      add.finding(
          sigPath,
          RULES
              .rule("SIGN-004")
              .finding(
                  Location.of(sigPath),
                  "Signed by "
                      + v.signer()
                      + "; all "
                      + v.files()
                      + " signed files match."
                      + (v.notes().isEmpty() ? "" : " Note: " + String.join("; ", v.notes())),
                  v.signer()));
    } else {
      Rule rule = RULES.rule("SIGN-005");
      add.property(sigPath, STATUS_PROPERTY, "unverified");
      add.finding(
          sigPath,
          rule.finding(
              options.requireSignature() ? Severity.HIGH : rule.severity(),
              Location.of(sigPath),
              "All "
                  + v.files()
                  + " files match the signature's manifest, but no trusted key was given, so who"
                  + " signed (it claims "
                  + v.signer()
                  + ") was not verified.",
              v.signer()));
    }
  }

  private static void diffFindings(
      Path target,
      String sigPath,
      Map<String, FileResult> files,
      Additions add,
      List<String> paths,
      String what) {
    Rule rule = RULES.rule("SIGN-003");
    for (String rel : paths) {
      // A string, not Path.resolve: names come from the signed manifest and may be anything.
      // Control characters are escaped, so that a name cannot forge lines in a text report.
      String display =
          Finding.printable(
              rel.equals(".")
                  ? target.toString()
                  : target + java.io.File.separator + rel.replace('/', java.io.File.separatorChar),
              4096);
      String attachTo = files.containsKey(display) ? display : sigPath;
      add.finding(
          attachTo,
          rule.finding(
              Location.of(display).withContext("signed manifest " + sigPath),
              "The file " + rel + " " + what + " (signature " + sigPath + ").",
              rel));
    }
  }

  /** The path of the signature's file result, adding a result when the scan did not list it. */
  private static String ensureFile(Map<String, FileResult> files, Path sig) {
    Path abs = sig.toAbsolutePath().normalize();
    for (FileResult f : files.values()) {
      try {
        if (f.depth() == 0 && Path.of(f.path()).toAbsolutePath().normalize().equals(abs)) {
          return f.path();
        }
      } catch (InvalidPathException e) {
        // not a local path
      }
    }
    long size;
    try {
      size = Files.size(sig);
    } catch (java.io.IOException e) {
      size = 0;
    }
    String path = sig.toString();
    files.put(
        path,
        new FileResult(
            path,
            "model-signature",
            "signing",
            0,
            size,
            new TreeMap<>(),
            List.of(),
            List.of(),
            null,
            new TreeMap<>()));
    return path;
  }

  /** Top-level files of {@code target} that are or contain a model, in path order. */
  static List<String> modelFiles(ScanResult result, String target) {
    String sep = java.io.File.separator;
    String prefix = target.endsWith(sep) ? target : target + sep;
    Set<String> out = new TreeSet<>();
    for (FileResult f : result.files()) {
      int nested = f.path().indexOf("!/");
      String top = nested < 0 ? f.path() : f.path().substring(0, nested);
      boolean inTarget = top.equals(target) || top.startsWith(prefix);
      if (inTarget && f.scanner() != null && MODEL_SCANNERS.contains(f.scanner())) {
        out.add(top);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The signature status recorded in a result, for the BOM: {@code invalid}, {@code modified},
   * {@code unsigned}, {@code unverified} or {@code verified}; empty when no check ran.
   */
  public static Optional<Status> status(ScanResult result) {
    List<String> order = List.of("SIGN-002", "SIGN-003", "SIGN-001", "SIGN-005", "SIGN-004");
    List<String> names = List.of("invalid", "modified", "unsigned", "unverified", "verified");
    int best = order.size();
    String signer = null;
    for (Finding f : result.findings()) {
      int i = order.indexOf(f.ruleId());
      if (i >= 0 && i < best) {
        best = i;
      }
      if (f.ruleId().equals("SIGN-004")) {
        signer = f.evidence();
      }
    }
    return best == order.size()
        ? Optional.empty()
        : Optional.of(new Status(names.get(best), best == 4 ? signer : null));
  }

  /**
   * Records a status on the BOM's model component: {@code sentrascan:signature} and, when verified,
   * {@code sentrascan:signature.signer}.
   */
  public static void addTo(org.cyclonedx.model.Component model, Status status) {
    model.addProperty(new org.cyclonedx.model.Property("sentrascan:signature", status.status()));
    if (status.signer() != null) {
      model.addProperty(
          new org.cyclonedx.model.Property("sentrascan:signature.signer", status.signer()));
    }
  }

  /** Findings and properties to add, by file path. */
  private static final class Additions {
    private final Map<String, List<Finding>> findings = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> properties = new LinkedHashMap<>();

    void finding(String path, Finding f) {
      findings.computeIfAbsent(path, k -> new ArrayList<>()).add(f);
    }

    void property(String path, String key, String value) {
      properties.computeIfAbsent(path, k -> new TreeMap<>()).putIfAbsent(key, value);
    }

    boolean isEmpty() {
      return findings.isEmpty() && properties.isEmpty();
    }

    FileResult applyTo(FileResult f) {
      List<Finding> more = findings.get(f.path());
      Map<String, String> props = properties.get(f.path());
      if (more == null && props == null) {
        return f;
      }
      List<Finding> all = new ArrayList<>(f.findings());
      if (more != null) {
        all.addAll(more);
      }
      SortedMap<String, SortedSet<String>> p = new TreeMap<>(f.properties());
      if (props != null) {
        props.forEach((k, v) -> p.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
      }
      return new FileResult(
          f.path(),
          f.format(),
          f.scanner(),
          f.depth(),
          f.size(),
          f.digests(),
          List.copyOf(all),
          f.errors(),
          f.skipped(),
          p);
    }
  }
}
