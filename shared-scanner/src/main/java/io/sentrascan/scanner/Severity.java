package io.sentrascan.scanner;

/** How bad a finding is. Ordered from most to least severe. */
public enum Severity {
  CRITICAL(4),
  HIGH(3),
  MEDIUM(2),
  LOW(1),
  INFO(0);

  private final int rank;

  Severity(int rank) {
    this.rank = rank;
  }

  /** 4 for CRITICAL down to 0 for INFO. */
  public int rank() {
    return rank;
  }

  /** True when this severity is at least as severe as {@code threshold}. */
  public boolean atLeast(Severity threshold) {
    return rank >= threshold.rank;
  }
}
