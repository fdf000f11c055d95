/**
 * The Slack notifier: an EventBridge rule delivers {@code Model Scan Completed} events with verdict
 * FAIL or ERROR, and the function posts them to a Slack incoming webhook whose URL it reads from
 * Secrets Manager.
 */
@NullMarked
package io.sentrascan.functions.notify;

import org.jspecify.annotations.NullMarked;
