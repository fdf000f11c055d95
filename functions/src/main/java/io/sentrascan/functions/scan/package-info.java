/**
 * The scan-object function: an S3 upload (as an S3 notification or an EventBridge event) in, a scan
 * record in DynamoDB, tags on the object and a {@code Model Scan Completed} event out.
 */
@NullMarked
package io.sentrascan.functions.scan;

import org.jspecify.annotations.NullMarked;
