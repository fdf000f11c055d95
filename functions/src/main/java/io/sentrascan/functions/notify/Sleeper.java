package io.sentrascan.functions.notify;

import java.time.Duration;

/** Waits between attempts; a test replaces it so that backoff costs no wall-clock time. */
@FunctionalInterface
public interface Sleeper {
  /** The real one. */
  Sleeper THREAD = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
