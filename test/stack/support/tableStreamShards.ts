/**
 * The shards of the table's stream with their sequence-number ranges: a
 * DynamoDB Streams record as Lambda delivers it does not name its shard, and
 * the all-time consumer's checkpoints are per shard.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../../local/credentials.js';
import { localDynamoDb } from '../../../local/stack/clients.js';
import type { Endpoints } from '../../../local/stack/endpointsFile.js';

export interface StreamShardRange {
  shardId: string;
  first: bigint;
  /** Undefined while the shard is open. */
  last: bigint | undefined;
}

export async function tableStreamShards(endpoints: Endpoints): Promise<StreamShardRange[]> {
  const ddb = localDynamoDb(endpoints.dynamodb.endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint: endpoints.dynamodb.endpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  try {
    const table = await ddb.send(new DescribeTableCommand({ TableName: endpoints.dynamodb.tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error('the table has no stream');
    const out: StreamShardRange[] = [];
    let after: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(after ? { ExclusiveStartShardId: after } : {}) }),
      );
      for (const s of page.StreamDescription?.Shards ?? []) {
        const range = s.SequenceNumberRange;
        if (!s.ShardId || !range?.StartingSequenceNumber) continue;
        out.push({
          shardId: s.ShardId,
          first: BigInt(range.StartingSequenceNumber),
          last: range.EndingSequenceNumber ? BigInt(range.EndingSequenceNumber) : undefined,
        });
      }
      after = page.StreamDescription?.LastEvaluatedShardId;
    } while (after);
    return out;
  } finally {
    ddb.destroy();
    streams.destroy();
  }
}

/** The shard whose range holds `seq`. */
export function shardOfSequence(shards: readonly StreamShardRange[], seq: string): string {
  const n = BigInt(seq);
  const shard = shards.find((s) => n >= s.first && (s.last === undefined || n <= s.last));
  if (!shard) throw new Error(`no shard of the table stream holds sequence number ${seq}`);
  return shard.shardId;
}
