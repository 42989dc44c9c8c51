/**
 * Each resolver handler on its own, through the local EvaluateCode: the
 * request objects sent to the data sources and the answers built from their
 * results. (End-to-end behaviour over DynamoDB Local and kinesalite is in
 * the other tests of this folder, on the api.ts fixture.)
 */
import { describe, expect, it } from 'vitest';
import { bundleNames } from '../../resolvers/build.js';
import { RESULT_SHARDS, raceKey, racePk, raceShardPk, rankKey } from '../../core/keys.js';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import { allBundles, evaluate } from './evaluate.js';

const env = { TABLE_NAME: 't', STREAM_NAME: 'alleycat-telemetry', RACE_SECONDS: '300', GRACE_SECONDS: '15' };
// 30 s into a race of 300 s (races start on multiples of 300 s since the epoch).
const NOW = Date.UTC(2026, 10, 23, 3, 0, 30);
const RACE = Math.floor(NOW / 300_000);

describe('resolver bundles', () => {
  it('builds one bundle per resolver and pipeline function of the manifest', async () => {
    const bundles = await allBundles();
    expect([...bundles.keys()].sort()).toEqual(bundleNames().sort());
    for (const b of bundles.values()) expect(b.code).toContain('export');
  });
});

describe('Query.raceClasses', () => {
  it('serves the catalog', async () => {
    const req = await evaluate('Query.raceClasses', 'request', { arguments: {} }, NOW);
    const res = await evaluate(
      'Query.raceClasses',
      'response',
      { arguments: {}, result: (req.result as { payload: unknown }).payload },
      NOW,
    );
    expect(res.result).toEqual(
      RACE_CLASSES.map((c) => ({ classId: c.classId, name: c.name, description: c.description })),
    );
  });
});

describe('Query.currentRace', () => {
  it('computes the running race from the clock and RACE_SECONDS', async () => {
    const req = await evaluate('Query.currentRace', 'request', { arguments: { classId: 3 }, env }, NOW);
    expect(req.error).toBeNull();
    expect((req.result as { payload: unknown }).payload).toEqual({
      classId: 3,
      raceId: RACE,
      startsAt: new Date(RACE * 300_000).toISOString(),
      endsAt: new Date((RACE + 1) * 300_000).toISOString(),
      status: 'RUNNING',
      raceSeconds: 300,
      competitors: null,
      finishers: null,
      winnerRacerId: null,
      winnerName: null,
      bestOutput: null,
    });
  });

  it('follows a shorter RACE_SECONDS', async () => {
    const req = await evaluate(
      'Query.currentRace',
      'request',
      { arguments: { classId: 1 }, env: { ...env, RACE_SECONDS: '20' } },
      NOW,
    );
    expect((req.result as { payload: { raceId: number } }).payload.raceId).toBe(Math.floor(NOW / 20_000));
  });

  it('refuses a class outside the catalog, naming the field', async () => {
    const req = await evaluate('Query.currentRace', 'request', { arguments: { classId: 7 }, env }, NOW);
    expect(req.error).toBe('classId must be a class of the catalog');
  });
});

describe('Query.race', () => {
  it('gets the race summary item by its key', async () => {
    const req = await evaluate('Query.race', 'request', { arguments: { classId: 2, raceId: 41 }, env }, NOW);
    const key = raceKey(2, 41);
    expect(req.result).toEqual({ operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } });
  });

  it('shows the summary of a finished race and nulls before it is written', async () => {
    const summary = { competitors: 12, finishers: 10, winnerRacerId: 'w', winnerName: 'Win', bestOutput: 88.5 };
    const done = await evaluate(
      'Query.race',
      'response',
      { arguments: { classId: 2, raceId: RACE - 1 }, env, result: summary },
      NOW,
    );
    expect(done.result).toMatchObject({ raceId: RACE - 1, status: 'FINISHED', ...summary });
    const later = await evaluate(
      'Query.race',
      'response',
      { arguments: { classId: 2, raceId: RACE + 1 }, env, result: null },
      NOW,
    );
    expect(later.result).toMatchObject({
      status: 'SCHEDULED',
      competitors: null,
      winnerRacerId: null,
      bestOutput: null,
    });
  });

  it('refuses a negative race id', async () => {
    const req = await evaluate('Query.race', 'request', { arguments: { classId: 2, raceId: -1 }, env }, NOW);
    expect(req.error).toBe('raceId must be a non-negative integer');
  });
});

describe('Query.races', () => {
  it('queries the class partition newest first with the default page size', async () => {
    const req = await evaluate('Query.races', 'request', { arguments: { classId: 4 }, env }, NOW);
    expect(req.result).toEqual({
      operation: 'Query',
      query: {
        expression: '#pk = :pk AND begins_with(#sk, :sk)',
        expressionNames: { '#pk': 'PK', '#sk': 'SK' },
        expressionValues: { ':pk': { S: 'CLASS#4' }, ':sk': { S: 'RACE#' } },
      },
      scanIndexForward: false,
      limit: 20,
    });
  });

  it.each([0, 101, 2.5])('refuses limit %s', async (limit) => {
    const req = await evaluate('Query.races', 'request', { arguments: { classId: 4, limit }, env }, NOW);
    expect(req.error).toBe('limit must be an integer 1..100');
  });

  it('refuses a nextToken it did not issue', async () => {
    for (const nextToken of ['not a token', Buffer.from('c1|CLASS#5|1|1|0|x').toString('base64')]) {
      const req = await evaluate('Query.races', 'request', { arguments: { classId: 4, nextToken }, env }, NOW);
      expect(req.error).toBe('nextToken is not a token issued by this query');
    }
  });
});

describe('Query.raceResults', () => {
  const args = { classId: 1, raceId: 77, limit: 2 };
  const item = (racerId: string, output: number) => ({
    classId: 1,
    raceId: 77,
    racerId,
    output,
    finished: true,
    lastSecond: 300,
    GSI1SK: rankKey(output, racerId),
  });

  /** The pipeline by hand: request, the around lookup (skipped), one shard query per shard, response. */
  async function page(
    a: Record<string, unknown>,
    shardItems: (shard: number) => Array<Record<string, unknown>>,
  ): Promise<{ result: unknown; error: string | null; queries: unknown[] }> {
    const req = await evaluate('Query.raceResults', 'request', { arguments: a, env }, NOW);
    if (req.error !== null) return { result: null, error: req.error, queries: [] };
    let stash = req.stash;
    const queries: unknown[] = [];
    for (let shard = 0; shard < RESULT_SHARDS; shard++) {
      const q = await evaluate('functions/queryRankShard', 'request', { arguments: a, env, stash }, NOW);
      queries.push(q.result);
      const r = await evaluate(
        'functions/queryRankShard',
        'response',
        { arguments: a, env, stash: q.stash, result: { items: shardItems(shard), nextToken: null } },
        NOW,
      );
      if (r.error !== null) return { result: null, error: r.error, queries };
      stash = r.stash;
    }
    const res = await evaluate('Query.raceResults', 'response', { arguments: a, env, stash }, NOW);
    return { result: res.result, error: res.error, queries };
  }

  it('queries GSI1 of every write shard of the race ascending (output descending, racerId ascending)', async () => {
    const { queries } = await page(args, () => []);
    expect(queries).toHaveLength(RESULT_SHARDS);
    expect(queries[0]).toMatchObject({
      operation: 'Query',
      index: 'GSI1',
      query: { expressionNames: { '#pk': 'GSI1PK' }, expressionValues: { ':pk': { S: racePk(1, 77) } } },
      scanIndexForward: true,
      limit: 2,
    });
    expect(queries[3]).toMatchObject({ query: { expressionValues: { ':pk': { S: raceShardPk(1, 77, 3) } } } });
  });

  it('merges the shards in ranking order and carries ranks into the next page after the last sort key', async () => {
    // Riders spread over shards 0 and 5: a (9), b (8) | c (8), d (7).
    const items: Record<number, Array<Record<string, unknown>>> = {
      0: [item('a', 9), item('d', 7)],
      5: [item('b', 8), item('c', 8)],
    };
    const after = (key: string | null) => (shard: number) =>
      (items[shard] ?? []).filter((i) => key === null || String(i.GSI1SK) > key).slice(0, 2);
    const p1 = (await page(args, after(null))).result as {
      items: Array<{ rank: number; racerId: string }>;
      nextToken: string;
    };
    expect(p1.items.map((i) => [i.racerId, i.rank])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const second = await page({ ...args, nextToken: p1.nextToken }, after(rankKey(8, 'b')));
    expect(second.queries[0]).toMatchObject({
      query: { expression: '#pk = :pk AND #sk > :sk', expressionValues: { ':sk': { S: rankKey(8, 'b') } } },
    });
    expect(second.result).toEqual({
      items: [
        {
          rank: 2,
          racerId: 'c',
          name: null,
          output: 8,
          classId: 1,
          raceId: 77,
          finished: true,
          lastSecond: 300,
          flags: [],
        },
        {
          rank: 4,
          racerId: 'd',
          name: null,
          output: 7,
          classId: 1,
          raceId: 77,
          finished: true,
          lastSecond: 300,
          flags: [],
        },
      ],
      nextToken: null,
      // The page above this one starts after `a` and `b`: its token carries c's place (3rd) and rank (2nd).
      previousToken: expect.any(String),
    });
    expect(p1).toMatchObject({ previousToken: null });
  });

  it('refuses a token of another race, and around together with a token', async () => {
    const other = await page({ ...args, raceId: 78 }, () => [item('a', 1), item('b', 1), item('c', 1)]);
    const token = (other.result as { nextToken: string }).nextToken;
    expect(token).toEqual(expect.any(String));
    expect((await page({ ...args, nextToken: token }, () => [])).error).toBe(
      'nextToken is not a token issued by this query',
    );
    const both = await page({ ...args, raceId: 78, nextToken: token, around: 'a' }, () => []);
    expect(both.error).toMatch(/^around cannot be combined with nextToken/);
    expect((await page({ ...args, around: 'bad id!' }, () => [])).error).toBe(
      'around must match ^[A-Za-z0-9_-]{1,64}$',
    );
  });

  it('raises a DynamoDB error instead of answering null', async () => {
    const req = await evaluate('Query.raceResults', 'request', { arguments: args, env }, NOW);
    const res = await evaluate(
      'functions/queryRankShard',
      'response',
      {
        arguments: args,
        env,
        stash: req.stash,
        error: { message: 'boom', type: 'DynamoDB:InternalServerError' },
        result: null,
      },
      NOW,
    );
    expect(res.error).toBe('boom');
  });
});

describe('Query.racer', () => {
  it('refuses a racerId outside the contract format', async () => {
    const req = await evaluate('Query.racer', 'request', { arguments: { racerId: 'bad id!' }, env }, NOW);
    expect(req.error).toBe('racerId must match ^[A-Za-z0-9_-]{1,64}$');
  });
});

describe('Mutation.recordTelemetry', () => {
  const record = (over: Record<string, unknown> = {}) => ({
    raceId: RACE,
    classId: 2,
    racerId: 'r1',
    second: 30,
    power: 200,
    output: 6,
    event: 'update',
    deviceTimestamp: NOW,
    ...over,
  });
  // ctx.identity of rider r1 signed in with an ID token (AppSync's user-pool shape).
  const identity = {
    sub: '7d8e-r1',
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool',
    username: 'r1',
    claims: { sub: '7d8e-r1', 'cognito:username': 'r1', token_use: 'id', name: 'Rider One' },
    sourceIp: ['203.0.113.7'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };

  it('sends every valid record in one PutRecords request, keyed by racerId, named from the profile', async () => {
    const records = [record(), record({ raceId: RACE - 1, second: 300, output: 600, event: 'final', name: 'Two' })];
    const req = await evaluate('Mutation.recordTelemetry', 'request', { arguments: { records }, env, identity }, NOW);
    expect(req.error).toBeNull();
    const http = req.result as {
      method: string;
      resourcePath: string;
      params: { headers: Record<string, string>; body: string };
    };
    expect(http.method).toBe('POST');
    expect(http.resourcePath).toBe('/');
    expect(http.params.headers).toEqual({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Kinesis_20131202.PutRecords',
    });
    const body = JSON.parse(http.params.body) as {
      StreamName: string;
      Records: Array<{ Data: string; PartitionKey: string }>;
    };
    expect(body.StreamName).toBe('alleycat-telemetry');
    expect(body.Records.map((r) => r.PartitionKey)).toEqual(['r1', 'r1']);
    expect(body.Records.map((r) => JSON.parse(Buffer.from(r.Data, 'base64').toString('utf8')))).toEqual(
      records.map((r) => ({ ...r, name: 'Rider One' })),
    );
  });

  it.each([
    [[record(), record({ power: -1 })], 'records[1].power must be a number 0..3000'],
    [[record({ raceId: RACE - 2 })], `records[0].raceId must be the current race (${RACE}) or the one just ended`],
    [[record({ racerId: 'x'.repeat(65) })], 'records[0].racerId is not the signed-in rider (r1)'],
    [[record({ output: 91 })], 'records[0].output must be at most 3 kJ per elapsed second'],
    [[], 'records must hold 1..500 records'],
  ])('refuses %# with a message naming index and field', async (records, message) => {
    const req = await evaluate('Mutation.recordTelemetry', 'request', { arguments: { records }, env, identity }, NOW);
    expect(req.error).toBe(message);
  });

  it('refuses more than 500 records', async () => {
    const records = Array.from({ length: 501 }, () => record());
    const req = await evaluate('Mutation.recordTelemetry', 'request', { arguments: { records }, env, identity }, NOW);
    expect(req.error).toBe('records must hold 1..500 records');
  });

  it('refuses a caller without a user-pool identity (API key, IAM)', async () => {
    const iam = { accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/local', username: 'local' };
    for (const who of [null, iam]) {
      const req = await evaluate(
        'Mutation.recordTelemetry',
        'request',
        { arguments: { records: [record()] }, env, identity: who },
        NOW,
      );
      expect(req.error).toBe('recordTelemetry needs a signed-in rider (a user-pool token)');
    }
  });

  it('turns the PutRecords answer into a receipt', async () => {
    const body = JSON.stringify({
      FailedRecordCount: 0,
      Records: [{ SequenceNumber: '1', ShardId: 'shardId-000000000000' }],
    });
    const res = await evaluate(
      'Mutation.recordTelemetry',
      'response',
      { arguments: { records: [record()] }, env, result: { statusCode: 200, body } },
      NOW,
    );
    expect(res.result).toEqual({
      accepted: 1,
      failed: 0,
      records: [
        { index: 0, sequenceNumber: '1', shardId: 'shardId-000000000000', errorCode: null, errorMessage: null },
      ],
    });
  });

  it('reports a Kinesis error answer as an error', async () => {
    const body = JSON.stringify({
      __type: 'ResourceNotFoundException',
      message: 'Stream x under account 0 not found.',
    });
    const res = await evaluate(
      'Mutation.recordTelemetry',
      'response',
      { arguments: { records: [record()] }, env, result: { statusCode: 400, body } },
      NOW,
    );
    expect(res.error).toBe('Stream x under account 0 not found.');
  });
});

describe('Mutation.publishLiveRankings', () => {
  const input = {
    classId: 3,
    raceId: RACE,
    entries: [{ rank: 1, racerId: 'a', name: 'A', output: 12.5, second: 40, flags: [] }],
  };

  it('passes the snapshot through, stamping updatedAt when absent', async () => {
    const req = await evaluate('Mutation.publishLiveRankings', 'request', { arguments: { input }, env }, NOW);
    expect(req.result).toEqual({ payload: { ...input, updatedAt: new Date(NOW).toISOString() } });
    const stamped = { ...input, updatedAt: '2026-11-23T03:00:00.000Z' };
    const again = await evaluate(
      'Mutation.publishLiveRankings',
      'request',
      { arguments: { input: stamped }, env },
      NOW,
    );
    expect(again.result).toEqual({ payload: stamped });
  });

  it('refuses a class outside the catalog and more than 5,000 entries', async () => {
    const bad = await evaluate(
      'Mutation.publishLiveRankings',
      'request',
      { arguments: { input: { ...input, classId: 0 } }, env },
      NOW,
    );
    expect(bad.error).toBe('input.classId must be a class of the catalog');
    const entries = Array.from({ length: 5001 }, (_, i) => ({ rank: i + 1, racerId: `r${i}`, output: 1, second: 1 }));
    const big = await evaluate(
      'Mutation.publishLiveRankings',
      'request',
      { arguments: { input: { ...input, entries } }, env },
      NOW,
    );
    expect(big.error).toBe('input.entries must hold at most 5000 entries');
  });
});

describe('Subscription.onLiveRankings', () => {
  it('subscribes with a null result, refusing classes outside the catalog', async () => {
    const req = await evaluate('Subscription.onLiveRankings', 'request', { arguments: { classId: 2 } }, NOW);
    expect(req.result).toEqual({ payload: null });
    const ok = await evaluate(
      'Subscription.onLiveRankings',
      'response',
      { arguments: { classId: 2 }, result: null },
      NOW,
    );
    expect(ok).toMatchObject({ result: null, error: null });
    const bad = await evaluate(
      'Subscription.onLiveRankings',
      'response',
      { arguments: { classId: 9 }, result: null },
      NOW,
    );
    expect(bad.error).toBe('classId must be a class of the catalog');
  });
});
