/**
 * The CDK app that deploys a team's SentraScan pipeline: the {@link
 * io.sentrascan.cdk.ModelScanPipeline} construct, one class per concern beside it, and the {@link
 * io.sentrascan.cdk.SentraScanApp} that puts one {@link io.sentrascan.cdk.TeamStack} per team into
 * an account.
 */
@NullMarked
package io.sentrascan.cdk;

import org.jspecify.annotations.NullMarked;
