package io.sentrascan.cli;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.signing.ModelSigner;
import io.sentrascan.scanner.signing.PemFiles;
import io.sentrascan.scanner.signing.SignatureCheck;
import io.sentrascan.scanner.signing.SigningException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sentrascan sign PATH --key private.pem}: writes an OpenSSF Model Signing signature ({@code
 * model.sig}) for a model folder or file. Exit codes: 0 signed, 2 could not sign.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Signs a model folder (or file) in the OpenSSF Model Signing format: a Sigstore bundle"
            + " with a DSSE envelope over an in-toto statement of every file's SHA-256.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the model was signed",
      "2:it could not be signed (bad key, unreadable file)"
    },
    sortOptions = false)
final class SignCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "The model folder or file.")
  private Path model = Path.of("");

  @Option(
      names = "--key",
      required = true,
      paramLabel = "PRIVATE.pem",
      description = "EC private key (P-256, PEM: PKCS#8 or 'EC PRIVATE KEY'), not encrypted.")
  private Path key = Path.of("");

  @Option(
      names = "--signing-cert",
      paramLabel = "CERT.pem",
      description =
          "Sign as this certificate (it must hold the key's public half); the bundle"
              + " then carries the certificate instead of a key hint.")
  private @Nullable Path signingCert;

  @Option(
      names = "--cert-chain",
      paramLabel = "CHAIN.pem",
      description = "Intermediate certificates to put in the bundle after --signing-cert.")
  private @Nullable Path certChain;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where to write the signature (default: PATH/model.sig, or PATH.sig for a file).")
  private @Nullable Path output;

  @Option(
      names = "--shard-size",
      paramLabel = "SIZE",
      converter = ScanCommand.SizeConverter.class,
      description =
          "Hash files in shards of SIZE bytes (path:start:end resources; suffixes K, M, G) instead"
              + " of whole files.")
  private @Nullable Long shardSize;

  private final PrintStream out;
  private final PrintStream err;

  SignCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (!Files.exists(model, LinkOption.NOFOLLOW_LINKS)) {
      return fail("no such file or folder: " + model);
    }
    if (shardSize != null && shardSize <= 0) {
      return fail("--shard-size must be positive, not " + shardSize);
    }
    if (certChain != null && signingCert == null) {
      return fail("--cert-chain needs --signing-cert");
    }
    Path target = output != null ? output : defaultSignature(model);
    String problem = ScanCommand.outputProblem(target);
    if (problem != null) {
      return fail("cannot write the signature to " + target + ": " + problem);
    }
    try {
      KeyPair keys = PemFiles.keyPair(key);
      List<X509Certificate> chain = new ArrayList<>();
      if (signingCert != null) {
        chain.add(PemFiles.certificates(signingCert).get(0));
        if (certChain != null) {
          chain.addAll(PemFiles.certificates(certChain));
        }
      }
      ModelSigner.Signed signed =
          ModelSigner.sign(model, keys, chain, target, shardSize == null ? 0 : shardSize);
      int files = signed.manifest().paths().size();
      int resources = signed.manifest().resources().size();
      out.println(
          "signed "
              + files
              + (files == 1 ? " file" : " files")
              + (resources == files ? "" : " (" + resources + " shards)")
              + " of "
              + model
              + " into "
              + target
              + " (root digest sha256:"
              + signed.manifest().rootDigest()
              + ")");
      return Main.PASS;
    } catch (SigningException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail("cannot sign: " + Main.describe(e));
    }
  }

  static Path defaultSignature(Path model) {
    if (Files.isDirectory(model)) {
      return model.resolve(SignatureCheck.DEFAULT_NAME);
    }
    return model.resolveSibling(model.getFileName() + ".sig");
  }

  private int fail(String message) {
    err.println("sentrascan: " + Finding.printable(message, 1000));
    return Main.ERROR;
  }
}
