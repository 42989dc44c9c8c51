/**
 * Many riders' finals stored at once against DynamoDB Local: first valid final
 * wins for each rider, as with one conditional put per final, whether its
 * transaction of 100 went through or was cancelled by a rider who already had one.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { pendingFinalKey } from '../../core/keys.js';
import type { PendingFinal } from '../../functions/finalizer/pendingFinal.js';
import type { OfferedFinal, StoreFinalOutcome } from '../../functions/finalizer/raceStore.js';
import { storeFinal, storeFinals } from '../../functions/finalizer/raceStore.js';
import { freePort } from '../../local/emulators/freePort.js';
import { useTestTable } from '../support/useTestTable.js';
import { documentClient } from './support.js';

const CLASS_ID = 4;

function final(raceId: number, i: number, output = 100 + i): PendingFinal {
  return { classId: CLASS_ID, raceId, racerId: `rider-${i}`, name: `Rider ${i}`, output, second: 300, power: 250 };
}

describe('storeFinals against DynamoDB Local', () => {
  const table = useTestTable();

  async function stored(raceId: number, racerId: string) {
    const key = pendingFinalKey(CLASS_ID, raceId, racerId);
    return (
      await documentClient(table.endpoint).send(
        new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
      )
    ).Item;
  }

  async function store(offers: readonly OfferedFinal[], ddb = documentClient(table.endpoint)) {
    const outcomes = new Map<string, StoreFinalOutcome | Error>();
    await storeFinals(ddb, table.tableName, offers, Date.now(), (o, outcome) => outcomes.set(o.final.racerId, outcome));
    return outcomes;
  }

  it('stores 250 new finals in 3 write calls, each exactly as offered', async () => {
    const raceId = 6_100_001;
    const offers = Array.from({ length: 250 }, (_, i) => ({ final: final(raceId, i), conflicting: i === 7 }));
    const ddb = documentClient(table.endpoint);
    const calls: string[] = [];
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const outcomes = await store(offers, ddb);
    expect([...outcomes.values()]).toEqual(Array.from({ length: 250 }, () => 'stored'));
    expect(calls).toEqual(Array.from({ length: 3 }, () => 'TransactWriteItemsCommand'));
    expect(await stored(raceId, 'rider-0')).toMatchObject({ output: 100, second: 300, power: 250, name: 'Rider 0' });
    expect(await stored(raceId, 'rider-249')).toMatchObject({ output: 349 });
    expect((await stored(raceId, 'rider-7'))?.conflicting).toBe(true);
    expect((await stored(raceId, 'rider-8'))?.conflicting).toBeUndefined();
  });

  it('a transaction holding a replay and a different final keeps every first final: replay, conflict and new ones told apart', async () => {
    const raceId = 6_100_002;
    expect(await storeFinal(documentClient(table.endpoint), table.tableName, final(raceId, 1), false, Date.now())).toBe(
      'stored',
    );
    expect(await storeFinal(documentClient(table.endpoint), table.tableName, final(raceId, 2), false, Date.now())).toBe(
      'stored',
    );
    const offers = [
      { final: final(raceId, 0), conflicting: false },
      { final: final(raceId, 1), conflicting: false }, // the same final again: a replay
      { final: final(raceId, 2, 999), conflicting: false }, // a different final: refused
      ...Array.from({ length: 60 }, (_, i) => ({ final: final(raceId, i + 3), conflicting: false })),
    ];
    const outcomes = await store(offers);
    expect(outcomes.get('rider-0')).toBe('stored');
    expect(outcomes.get('rider-1')).toBe('replay');
    expect(outcomes.get('rider-2')).toBe('conflict');
    expect([...outcomes.values()].filter((o) => o === 'stored')).toHaveLength(61);
    // The first final stays the result-to-be; the refused one only marks it.
    expect(await stored(raceId, 'rider-2')).toMatchObject({ output: 102, conflicting: true });
    expect((await stored(raceId, 'rider-1'))?.conflicting).toBeUndefined();
    expect(await stored(raceId, 'rider-62')).toMatchObject({ output: 162 });
  });

  it('stored twice (a batch retried by Lambda), every final is a replay and nothing changes', async () => {
    const raceId = 6_100_003;
    const offers = Array.from({ length: 120 }, (_, i) => ({ final: final(raceId, i), conflicting: false }));
    await store(offers);
    const again = await store(offers);
    expect([...again.values()]).toEqual(Array.from({ length: 120 }, () => 'replay'));
    expect((await stored(raceId, 'rider-119'))?.conflicting).toBeUndefined();
  });

  it('reports every final with the error when DynamoDB is unreachable', async () => {
    const raceId = 6_100_004;
    const down = documentClient(`http://127.0.0.1:${await freePort()}`, 1);
    const offers = Array.from({ length: 101 }, (_, i) => ({ final: final(raceId, i), conflicting: false }));
    const outcomes = await store(offers, down);
    expect(outcomes.size).toBe(101);
    expect([...outcomes.values()].every((o) => o instanceof Error)).toBe(true);
    expect(await stored(raceId, 'rider-0')).toBeUndefined();
  });
});
