package io.sentrascan.scanner.signing;

/**
 * Bad input to signing or verification: a malformed bundle, an unsupported key or algorithm, an
 * unreadable file. Distinct from a signature that was read and does not verify, which is a {@link
 * VerificationResult} with problems. The message is one line, fit to show a user.
 */
public final class SigningException extends Exception {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
