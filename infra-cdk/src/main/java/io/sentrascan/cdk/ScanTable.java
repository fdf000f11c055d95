package io.sentrascan.cdk;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The scan table as {@code io.sentrascan.functions.scan.ScanTableDesign} defines it (README, "Scan
 * table"). Mirrored rather than imported, so that this module does not carry the function's AWS SDK
 * and Jackson; {@code ScanTableTest} loads the function jar and checks that the two agree.
 */
final class ScanTable {
  static final String PARTITION_KEY = "pk";
  static final String SORT_KEY = "sk";

  /** A global secondary index; every one projects all attributes. */
  record Index(String name, String partitionKey, String sortKey) {}

  static final List<Index> INDEXES =
      List.of(
          new Index("byObject", "gsi1pk", "gsi1sk"),
          new Index("byDigest", "gsi2pk", "gsi2sk"),
          new Index("byVerdict", "gsi3pk", "gsi3sk"));

  private ScanTable() {}

  static Table create(Construct scope, IKey key, String ttlAttribute, RemovalPolicy removal) {
    Table table =
        Table.Builder.create(scope, "ScanTable")
            .partitionKey(string(PARTITION_KEY))
            .sortKey(string(SORT_KEY))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .timeToLiveAttribute(ttlAttribute)
            .encryption(TableEncryption.CUSTOMER_MANAGED)
            .encryptionKey(key)
            .deletionProtection(removal == RemovalPolicy.RETAIN)
            .removalPolicy(removal)
            .build();
    for (Index index : INDEXES) {
      table.addGlobalSecondaryIndex(
          GlobalSecondaryIndexProps.builder()
              .indexName(index.name())
              .partitionKey(string(index.partitionKey()))
              .sortKey(string(index.sortKey()))
              .projectionType(ProjectionType.ALL)
              .build());
    }
    return table;
  }

  private static Attribute string(String name) {
    return Attribute.builder().name(name).type(AttributeType.STRING).build();
  }
}
