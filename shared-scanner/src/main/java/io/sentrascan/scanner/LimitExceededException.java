package io.sentrascan.scanner;

/**
 * A scan limit was hit. Unchecked so that it passes through parsers and callbacks; the engine turns
 * it into a finding of its rule and stops scanning that file.
 */
public final class LimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String ruleId;

  public LimitExceededException(String ruleId, String message) {
    super(message);
    this.ruleId = ruleId;
  }

  /** The rule to report, one of the {@code CORE-00x} limit rules. */
  public String ruleId() {
    return ruleId;
  }
}
