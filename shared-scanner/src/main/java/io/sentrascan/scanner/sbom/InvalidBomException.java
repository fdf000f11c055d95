package io.sentrascan.scanner.sbom;

/** A file that is not a readable CycloneDX BOM; the message is one line, fit for a user. */
public final class InvalidBomException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidBomException(String message) {
    super(message);
  }
}
