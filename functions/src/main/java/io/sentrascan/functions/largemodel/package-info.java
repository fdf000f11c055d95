/**
 * The large-model workflow's functions, run by the Step Functions state machine in {@code
 * events/src/main/resources/statemachine/large-model-scan.asl.json}: {@link PlanHandler} cuts an
 * object or a model folder into chunks (a JSON Lines plan in S3), {@link ScanChunkHandler} scans a
 * batch of chunks with ranged reads and writes one partial result per chunk, and {@link
 * AggregateHandler} merges them into one scan recorded exactly as the one-invocation path records
 * its scans. Only pointers travel through the execution state.
 */
@NullMarked
package io.sentrascan.functions.largemodel;

import org.jspecify.annotations.NullMarked;
