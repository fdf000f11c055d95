package io.sentrascan.scanner.signing;

import java.util.ArrayList;
import java.util.List;

/**
 * What verifying a model signature found. Verified when the signature checks out against the
 * trusted key or chain and every file matches the signed manifest.
 *
 * @param authenticated whether the signature was checked against a trusted key or chain ({@link
 *     Trust.None} checks only the files, and is never verified)
 * @param signer who signed: {@code key sha256:…} or the certificate's subject and names
 * @param signatureProblems why the signature itself is not trusted (wrong key, bad signature, chain
 *     not trusted, identity mismatch, inconsistent manifest); empty when it is
 * @param diff how the files differ from the manifest; empty when the signature was not trusted,
 *     since then the files are not compared
 * @param resources how many resources (files or shards) the manifest lists
 * @param files how many files the manifest covers
 * @param notes facts worth telling that do not fail verification (for example log entries that were
 *     not checked offline)
 */
public record VerificationResult(
    boolean authenticated,
    String signer,
    List<String> signatureProblems,
    ManifestDiff diff,
    int resources,
    int files,
    List<String> notes) {
  public VerificationResult {
    signatureProblems = List.copyOf(signatureProblems);
    notes = List.copyOf(notes);
  }

  public boolean verified() {
    return authenticated && signatureProblems.isEmpty() && diff.isEmpty();
  }

  /** Every problem, one line each: signature problems first, then each file named. */
  public List<String> problemLines() {
    List<String> out = new ArrayList<>();
    signatureProblems.forEach(p -> out.add("signature: " + p));
    out.addAll(diff.lines());
    return out;
  }
}
