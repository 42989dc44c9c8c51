/**
 * The single table (docs/data-model.md): keys, indexes and stream exactly as
 * infra/settings.ts says, so the local stack and AWS hold the same table.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../settings.js';

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;
const PROJECTIONS = { ALL: ProjectionType.ALL, KEYS_ONLY: ProjectionType.KEYS_ONLY } as const;
const STREAM_VIEWS = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  OLD_IMAGE: StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
} as const;

/** The Alleycat table with its two GSIs and its stream. */
export class AlleycatTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey.name, type: ATTRIBUTE_TYPES[TABLE.partitionKey.type] },
      sortKey: { name: TABLE.sortKey.name, type: ATTRIBUTE_TYPES[TABLE.sortKey.type] },
      billingMode: TABLE.billingMode === 'PAY_PER_REQUEST' ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: TABLE.pointInTimeRecovery },
      stream: STREAM_VIEWS[TABLE.streamViewType],
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      maxReadRequestUnits: TABLE.maxReadRequestUnits,
      maxWriteRequestUnits: TABLE.maxWriteRequestUnits,
      // Race results and all-time rankings are the product: never delete them with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const gsi of TABLE.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: ATTRIBUTE_TYPES[gsi.partitionKey.type] },
        sortKey: { name: gsi.sortKey.name, type: ATTRIBUTE_TYPES[gsi.sortKey.type] },
        projectionType: PROJECTIONS[gsi.projection],
        maxReadRequestUnits: TABLE.maxReadRequestUnits,
        maxWriteRequestUnits: TABLE.maxWriteRequestUnits,
      });
    }
  }
}
