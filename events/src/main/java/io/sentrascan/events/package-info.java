/**
 * The JSON contracts of the serverless pipeline: the events the functions accept (S3 event
 * notifications and EventBridge events from S3) and the {@code Model Scan Completed} event they
 * emit. Sample events live in {@code samples/} on the classpath.
 *
 * <p>Versioning: events defined by AWS carry AWS's own version fields ({@code eventVersion} of an
 * S3 notification record, {@code version} of an EventBridge envelope); the readers accept any
 * version and ignore unknown fields. Events defined here carry a {@code version} that follows the
 * report rules: adding a field bumps the minor version; renaming or removing one, or changing its
 * meaning, bumps the major version.
 */
@NullMarked
package io.sentrascan.events;

import org.jspecify.annotations.NullMarked;
