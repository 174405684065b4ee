import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  TABLES,
  TABLE_LOGICAL_NAMES,
  tableNames,
  type IndexDesign,
  type KeyAttribute,
  type TableLogicalName,
} from '../../src/adapters/aws/dynamodb/table-design';

export interface TablesProps {
  /** Physical names are `<prefix>-<logical>`, the same rule the local runner uses (`tableNames`). */
  readonly namePrefix: string;
  /** Keep the tables (and refuse deletes) when the stack or a resource goes away. */
  readonly retain: boolean;
}

/** Every table of the shared design (`table-design.ts`): on-demand, point-in-time recovery, TTL where designed. */
export class Tables extends Construct {
  readonly byName: Readonly<Record<TableLogicalName, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const names = tableNames(props.namePrefix);
    const entries = TABLE_LOGICAL_NAMES.map((logical) => {
      const design = TABLES[logical];
      const table = new dynamodb.Table(this, logical, {
        tableName: names[logical],
        partitionKey: attribute(design.partitionKey),
        ...(design.sortKey ? { sortKey: attribute(design.sortKey) } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        ...(design.ttlAttribute ? { timeToLiveAttribute: design.ttlAttribute } : {}),
        deletionProtection: props.retain,
        removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const index of design.globalSecondaryIndexes) table.addGlobalSecondaryIndex(indexProps(index));
      return [logical, table] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<TableLogicalName, dynamodb.Table>;
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}

function indexProps(index: IndexDesign): dynamodb.GlobalSecondaryIndexProps {
  const base = {
    indexName: index.indexName,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
  };
  switch (index.projection.type) {
    case 'ALL':
      return { ...base, projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { ...base, projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { ...base, projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.nonKeyAttributes] };
  }
}
