package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * What every SentraScan function shares: Java 21 on arm64 from the functions jar, SnapStart on a
 * published version behind the {@link ScanFunction#ALIAS} alias (which every trigger invokes),
 * X-Ray, JSON logs into its own KMS-encrypted log group, and its own role that may write only those
 * logs. Construct ids are {@code <name>Function}, {@code <name>FunctionLogs}, {@code
 * <name>FunctionRole} and {@code <name>FunctionAlias}.
 */
final class SnapStartJavaFunction {
  private final LogGroup logGroup;
  private final Role role;
  private final Function function;
  private final Alias alias;

  /**
   * @param configure sets what differs per function: description, handler, memory, timeout,
   *     environment, dead-letter queue, concurrency
   * @param invokedBy who invokes the alias, for the acknowledged SnapStart warning
   */
  SnapStartJavaFunction(
      Construct scope,
      String name,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      String roleDescription,
      Consumer<Function.Builder> configure,
      String invokedBy) {
    this.logGroup =
        LogGroup.Builder.create(scope, name + "FunctionLogs")
            .retention(props.logRetention())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.role =
        Role.Builder.create(scope, name + "FunctionRole")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(roleDescription)
            .build();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("WriteOwnLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logGroup.getLogGroupArn()))
            .build());
    Function.Builder builder =
        Function.Builder.create(scope, name + "Function")
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .code(Code.fromAsset(jar.toString()))
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .tracing(Tracing.ACTIVE)
            .loggingFormat(LoggingFormat.JSON)
            .applicationLogLevelV2(ApplicationLogLevel.INFO)
            .systemLogLevelV2(SystemLogLevel.INFO)
            .logGroup(logGroup)
            .role(role);
    configure.accept(builder);
    this.function = builder.build();
    this.alias =
        Alias.Builder.create(scope, name + "FunctionAlias")
            .aliasName(ScanFunction.ALIAS)
            .version(function.getCurrentVersion())
            .build();
    // CDK warns that SnapStart needs a published version: the alias is one, and it is what is
    // invoked.
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "the current version is published and " + invokedBy + " its alias");
  }

  LogGroup logGroup() {
    return logGroup;
  }

  Role role() {
    return role;
  }

  Function function() {
    return function;
  }

  Alias alias() {
    return alias;
  }
}
