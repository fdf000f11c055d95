package io.sentrascan.scanner.pickle;

/**
 * How the allow- and deny-lists classify one imported name.
 *
 * @param kind allowed, denied or on neither list
 * @param group the list group or deny family that matched, or {@code unknown}
 * @param reason why the group is on its list
 */
record ImportVerdict(Kind kind, String group, String reason) {
  enum Kind {
    ALLOWED,
    DENIED,
    UNKNOWN
  }

  static final ImportVerdict UNKNOWN =
      new ImportVerdict(Kind.UNKNOWN, "unknown", "on neither the allow-list nor the deny-list");
}
