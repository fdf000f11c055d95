package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A failure a Step Functions {@code Catch} put into the state ({@code ResultPath: "$.failure"}):
 * the error name (for a Lambda task, the exception's class name) and its cause.
 *
 * @param error the error name, for example {@code States.ExceedToleratedFailureThreshold}
 * @param cause what happened, as Step Functions reports it (often JSON text); may be null
 */
public record StepFailure(
    @JsonProperty("Error") String error, @JsonProperty("Cause") @Nullable String cause) {}
