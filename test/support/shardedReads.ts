/**
 * Tests' reads of write-sharded partitions (core/keys.ts RESULT_SHARDS,
 * ALLTIME_SHARDS): every item of a race in all its shards, and a sharded
 * ranking index merged in its sort-key order.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RESULT_SHARDS, SHARD_NUMBERS, raceShardPk } from '../../core/keys.js';

async function queryAll(
  ddb: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out;
}

/** Every item of a race: its own partition and its result shards, in sort-key order (as one partition reads). */
export async function raceShardItems(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<Array<Record<string, unknown>>> {
  const shards = await Promise.all(
    SHARD_NUMBERS.slice(0, RESULT_SHARDS).map((shard) =>
      queryAll(ddb, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': raceShardPk(classId, raceId, shard) },
        ConsistentRead: true,
      }),
    ),
  );
  return shards.flat().sort((a, b) => (String(a.SK) < String(b.SK) ? -1 : 1));
}

/** Every item of a sharded ranking index (`pks`: its partitions), in sort-key order. */
export async function shardedIndexItems(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  index: 'GSI1' | 'GSI2',
  pks: readonly string[],
): Promise<Array<Record<string, unknown>>> {
  const sk = `${index}SK`;
  const shards = await Promise.all(
    pks.map((pk) =>
      queryAll(ddb, {
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${index}PK` },
        ExpressionAttributeValues: { ':pk': pk },
      }),
    ),
  );
  return shards.flat().sort((a, b) => (String(a[sk]) < String(b[sk]) ? -1 : 1));
}
