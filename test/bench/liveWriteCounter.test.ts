import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../local/esm/eventSourceMapping.js';
import { countLiveWrites, describeCalls, type LiveWriteCounter } from '../../bench/liveWriteCounter.js';

/** A client that answers every command itself (no endpoint needed): an empty output. */
function offlineClients(): { base: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const base = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  base.middlewareStack.add(() => () => Promise.resolve({ output: { $metadata: {} }, response: {} }), {
    step: 'initialize',
    name: 'answerOffline',
    priority: 'low',
  });
  return { base, doc: DynamoDBDocumentClient.from(base) };
}

const key = { PK: 'p', SK: 's' };
let counter: LiveWriteCounter | undefined;
afterEach(() => counter?.dispose());

describe('countLiveWrites (the aggregator’s write calls in the ingest benchmark)', () => {
  it('counts each write a wrapped handler sends once, through either client, and no reads', async () => {
    counter = countLiveWrites();
    const { base, doc } = offlineClients();
    const handler = (async () => {
      await doc.send(new PutCommand({ TableName: 't', Item: key }));
      await doc.send(
        new UpdateCommand({
          TableName: 't',
          Key: key,
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      );
      await doc.send(new GetCommand({ TableName: 't', Key: key }));
      await base.send(new PutItemCommand({ TableName: 't', Item: { PK: { S: 'p' }, SK: { S: 's' } } }));
      await base.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: 'p' }, SK: { S: 's' } } }));
    }) as LambdaHandler;
    await counter.wrap(handler)(undefined as never, {} as Context);
    expect(counter.calls).toBe(3);
  });

  it('does not count writes sent outside a wrapped handler, and stops counting once disposed', async () => {
    counter = countLiveWrites();
    const { doc } = offlineClients();
    await doc.send(new PutCommand({ TableName: 't', Item: key }));
    const wrapped = counter.wrap((async () =>
      doc.send(new PutCommand({ TableName: 't', Item: key }))) as LambdaHandler);
    await wrapped(undefined as never, {} as Context);
    expect(counter.calls).toBe(1);
    counter.dispose();
    await wrapped(undefined as never, {} as Context);
    expect(counter.calls).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(DynamoDBDocumentClient.prototype, 'send')).toBe(false);
  });

  it('names what each call writes, through either client', async () => {
    counter = countLiveWrites();
    const { base, doc } = offlineClients();
    const handler = (async () => {
      await doc.send(new PutCommand({ TableName: 't', Item: { PK: 'RACE#1#2', SK: 'LIVE#shard-1#0' } }));
      await doc.send(new PutCommand({ TableName: 't', Item: { PK: 'RACE#1#3', SK: 'LIVE#shard-1#0' } }));
      await base.send(new PutItemCommand({ TableName: 't', Item: { PK: { S: 'RACE#1#2' }, SK: { S: 'BOARD' } } }));
      await doc.send(
        new UpdateCommand({
          TableName: 't',
          Key: { PK: 'LIVEWM', SK: 'CLAIM' },
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      );
    }) as LambdaHandler;
    await counter.wrap(handler)(undefined as never, {} as Context);
    expect(counter.byKind()).toEqual({ part: 2, boardHead: 1, windowClaim: 1 });
    expect(describeCalls(counter.byKind())).toBe('part 2, boardHead 1, windowClaim 1');
  });
});
