/**
 * The records of a test table's stream on DynamoDB Local, shaped as Lambda
 * delivers them (local/esm's conversion) and filtered with the all-time
 * mapping's own FilterCriteria.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { MAPPINGS } from '../../infra/settings.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import { toDynamoDbEventRecord } from '../../local/esm/dynamodbSource.js';
import { compileFilterCriteria } from '../../local/esm/filterPattern.js';

export type StreamRecords = DynamoDBStreamEvent['Records'];

/** Every record of the stream so far that the all-time mapping would deliver, in stream order per shard. */
export async function allTimeStreamRecords(endpoint: string, streamArn: string): Promise<StreamRecords> {
  const client = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
  const filter = compileFilterCriteria(MAPPINGS.allTime.filters.map((f) => f.pattern));
  const out: StreamRecords = [];
  try {
    const desc = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of desc.StreamDescription?.Shards ?? []) {
      let it = (
        await client.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      for (let n = 0; it !== undefined && n < 50; n += 1) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: it }));
        for (const r of page.Records ?? []) {
          const rec = toDynamoDbEventRecord(r, { streamArn, region: LOCAL_REGION });
          if (filter === undefined || filter(rec)) out.push(rec as unknown as StreamRecords[number]);
        }
        if ((page.Records ?? []).length === 0) break;
        it = page.NextShardIterator;
      }
    }
  } finally {
    client.destroy();
  }
  return out;
}
