package io.sentrascan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.signing.ModelVerifier;
import io.sentrascan.scanner.signing.PemFiles;
import io.sentrascan.scanner.signing.SigningException;
import io.sentrascan.scanner.signing.Trust;
import io.sentrascan.scanner.signing.VerificationResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sentrascan verify PATH --key public.pem} (or {@code --trust-anchor CA.pem}, or {@code
 * --sigstore-trusted-root trusted_root.json --identity ID --issuer URL}): checks an OpenSSF Model
 * Signing signature offline. Exit codes: 0 verified, 1 verification failed (every file named), 2
 * bad input.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Verifies a model's OpenSSF Model Signing signature offline against a public key, a"
            + " certificate chain and trust anchors, or a Sigstore trusted root (keyless), and"
            + " names every changed, missing or added file.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the signature and every file verified",
      "1:verification failed (each problem on its own line)",
      "2:bad input: malformed signature, wrong key type, unreadable file"
    },
    sortOptions = false)
final class VerifyCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    TEXT,
    JSON
  }

  @Parameters(index = "0", paramLabel = "PATH", description = "The model folder or file.")
  private Path model = Path.of("");

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description = "The signature bundle (default: PATH/model.sig, or PATH.sig for a file).")
  private @Nullable Path signature;

  @Option(
      names = "--key",
      paramLabel = "PUBLIC.pem",
      description = "Trust signatures made with this EC public key (PEM SubjectPublicKeyInfo).")
  private @Nullable Path key;

  @Option(
      names = "--trust-anchor",
      paramLabel = "CA.pem",
      description = "Trust signing certificates that chain to a certificate in this PEM file.")
  private @Nullable Path trustAnchor;

  @Option(
      names = "--sigstore-trusted-root",
      paramLabel = "trusted_root.json",
      description =
          "Verify a Sigstore keyless signature against this trusted root (Fulcio CAs, CT logs,"
              + " Rekor keys), offline; needs --identity and --issuer.")
  private @Nullable Path sigstoreTrustedRoot;

  @Option(
      names = "--cert-chain",
      paramLabel = "CHAIN.pem",
      description = "Intermediate certificates to build the chain with, besides the bundle's.")
  private @Nullable Path certChain;

  @Option(
      names = "--identity",
      paramLabel = "NAME",
      description =
          "With --trust-anchor: the signing certificate must name NAME (an email, URI or DNS"
              + " subject alternative name, or the common name). With --sigstore-trusted-root: the"
              + " OIDC identity (email or URI subject alternative name) that signed.")
  private @Nullable String identity;

  @Option(
      names = "--issuer",
      paramLabel = "OIDC_ISSUER",
      description =
          "With --sigstore-trusted-root: the OIDC issuer the identity signed in with (for example"
              + " https://accounts.google.com).")
  private @Nullable String issuer;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  private Format format = Format.TEXT;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final PrintStream out;
  private final PrintStream err;

  VerifyCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    int modes = (key != null ? 1 : 0) + (trustAnchor != null ? 1 : 0);
    modes += sigstoreTrustedRoot != null ? 1 : 0;
    if (modes != 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "give one of --key PUBLIC.pem, --trust-anchor CA.pem or --sigstore-trusted-root"
              + " trusted_root.json");
    }
    if (sigstoreTrustedRoot != null && (identity == null || issuer == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sigstore-trusted-root needs --identity and --issuer");
    }
    if (sigstoreTrustedRoot == null && issuer != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--issuer needs --sigstore-trusted-root");
    }
    if (trustAnchor == null && certChain != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--cert-chain needs --trust-anchor");
    }
    if (key != null && identity != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--identity needs --trust-anchor or --sigstore-trusted-root");
    }
    if (!Files.exists(model, LinkOption.NOFOLLOW_LINKS)) {
      return fail("no such file or folder: " + model);
    }
    Path sig = signature != null ? signature : SignCommand.defaultSignature(model);
    VerificationResult result;
    try {
      Trust trust;
      if (key != null) {
        trust = new Trust.Key(PemFiles.publicKey(key));
      } else if (sigstoreTrustedRoot != null) {
        trust = Trust.Keyless.of(sigstoreTrustedRoot, identity, issuer);
      } else {
        trust =
            new Trust.Certificates(
                PemFiles.certificates(trustAnchor),
                certChain == null ? List.of() : PemFiles.certificates(certChain),
                identity);
      }
      result = ModelVerifier.verify(model, sig, trust);
    } catch (SigningException e) {
      return fail(e.getMessage());
    }
    if (format == Format.JSON) {
      out.println(json(result, sig));
    } else {
      text(result, sig);
    }
    return result.verified() ? Main.PASS : Main.FAIL;
  }

  private void text(VerificationResult r, Path sig) {
    if (r.verified()) {
      out.println(
          "VERIFIED "
              + model
              + ": "
              + r.files()
              + (r.files() == 1 ? " file matches " : " files match ")
              + sig
              + ", signed by "
              + r.signer());
    } else {
      out.println("FAILED " + model + ": " + sig + " does not verify");
      for (String line : r.problemLines()) {
        out.println(Finding.printable(line, 2000));
      }
    }
    for (String note : r.notes()) {
      out.println("note: " + note);
    }
  }

  private String json(VerificationResult r, Path sig) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("verified", r.verified());
    root.put("model", model.toString());
    root.put("signature", sig.toString());
    root.put("signer", r.signer());
    root.put("files", r.files());
    root.put("resources", r.resources());
    ArrayNode problems = root.putArray("problems");
    r.signatureProblems()
        .forEach(p -> problems.addObject().put("kind", "signature").put("detail", p));
    r.diff().changed().forEach(p -> problems.addObject().put("kind", "changed").put("path", p));
    r.diff().missing().forEach(p -> problems.addObject().put("kind", "missing").put("path", p));
    r.diff().extra().forEach(p -> problems.addObject().put("kind", "extra").put("path", p));
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  private int fail(String message) {
    err.println("sentrascan: " + Finding.printable(message, 1000));
    return Main.ERROR;
  }
}
