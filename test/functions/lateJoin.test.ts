/**
 * Riders start together, in the pipeline functions against DynamoDB Local: a
 * rider whose first record arrives after the race's join cutoff
 * (core/fairPlay.ts joinCutoffMillis) is never admitted — kept out of the
 * window state and counted (LateJoinersRefused, LateRecordsRefused), never on
 * a live page, never marked — and at the close the finalizer gives no result
 * to a final whose rider the race did not admit, while riders who joined in
 * time (to the millisecond, in a window that closes after the cutoff) keep
 * riding and get their exact results.
 */
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import { readLiveParts } from '../../functions/aggregator/livePartReads.js';
import { joinCutoffMillis } from '../../core/fairPlay.js';
import { racePk } from '../../core/keys.js';
import { rankRiders } from '../../core/livePart.js';
import { raceEndMillis, raceStartMillis } from '../../core/raceClock.js';
import { raceShardItems } from '../support/shardedReads.js';
import { kinesisEvent, telemetry, windowEvent } from './factories.js';
import { manualClock, useAggregatorHarness } from './support.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_300;
const CLASS_ID = 3;
const SHARD = 'shardId-000000000000';
const START = raceStartMillis(RACE_ID, RACE_SECONDS);
const CUTOFF = joinCutoffMillis(RACE_ID, RACE_SECONDS);

/** A rider at 200 W: 0.2 kJ a second from second 0. */
function ride(racerId: string, second: number, event: 'update' | 'final' = 'update', output = second * 0.2) {
  return telemetry({ raceId: RACE_ID, classId: CLASS_ID, racerId, second, output, power: 200, event });
}

describe('a late joiner in the pipeline functions', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });

  it('is refused at the window close and gets no result, beside riders who joined in time', async () => {
    const deps = harness.deps(manualClock(CUTOFF + 60_000));
    const run = createAggregator(deps);
    /** One window: an invocation per arrival (its state carried as Lambda carries it, JSON), then the close. */
    const window = async (batches: Array<[arrivalMillis: number, records: unknown[]]>, endMillis: number) => {
      let state: unknown = {};
      for (const [arrival, records] of batches) {
        const res = await run(
          windowEvent(records, { shardId: SHARD, state, arrivalSeconds: arrival / 1000, windowEnd: endMillis }),
        );
        state = JSON.parse(JSON.stringify(res.state)) as unknown;
      }
      await run(windowEvent([], { shardId: SHARD, state, final: true, windowEnd: endMillis }));
    };

    // Ann and Bob ride from the start; the window closes well before the cutoff.
    await window([[START + 5000, [ride('ann', 4), ride('bob', 4)]]], START + 10_000);
    // The window around the cutoff: Cy's first record arrives 1 ms before it, Dee's exactly at it.
    // The window closes after the cutoff; only the arrival counts.
    await window(
      [
        [CUTOFF - 1, [ride('cy', 32), ride('ann', 32)]],
        [CUTOFF, [ride('dee', 33), ride('bob', 33)]],
      ],
      CUTOFF + 3000,
    );
    // Two minutes in, Eve joins with a rider's worth of output for the whole race so far.
    await window(
      [[START + 120_000, [ride('eve', 120, 'update', 60), ride('ann', 120), ride('cy', 120)]]],
      START + 125_000,
    );

    // Dee, in the first window after the cutoff, was taken out of its state once the container had read
    // the shard's part; Eve's record, later, was dropped as it was folded.
    expect(deps.metrics.totals.LateJoinersRefused).toBe(1);
    expect(deps.metrics.totals.LateRecordsRefused).toBe(1);
    expect(deps.metrics.totals.RidersRefused ?? 0).toBe(0);
    expect(deps.metrics.totals.FairPlayFlags ?? 0).toBe(0);
    expect(deps.logger.lines.filter((l) => l.message.startsWith('riders joined after the join deadline'))).toHaveLength(
      2,
    );
    const ddb = harness.ddb();
    const live = rankRiders(await readLiveParts(ddb, harness.tableName, CLASS_ID, RACE_ID));
    expect(live.map((e) => [e.racerId, e.second, e.output])).toEqual([
      ['ann', 120, 24],
      ['cy', 120, 24],
      ['bob', 33, 6.6],
    ]);
    // Every board published left the late joiners out.
    const published = harness.appsync.requests.flatMap((r) => r.body.variables.input?.entries ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((e) => e.racerId === 'dee' || e.racerId === 'eve')).toEqual([]);
    const markers = await ddb.send(
      new QueryCommand({
        TableName: harness.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
        ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, RACE_ID), ':m': 'ADMIT#' },
      }),
    );
    expect((markers.Items ?? []).flatMap((i) => [...(i.racerIds as Set<string>)]).sort()).toEqual(['ann', 'bob', 'cy']);

    // Finals at the last second: the honest riders', the late joiners', and one from a rider who sent only a final.
    const end = raceEndMillis(RACE_ID, RACE_SECONDS);
    const { finalize, metrics, clock } = harness.finalizer(ddb, end + 500);
    const finals = [
      ride('ann', 300, 'final'),
      ride('cy', 300, 'final'),
      ride('dee', 300, 'final', 200),
      ride('eve', 300, 'final', 200),
      ride('ghost', 300, 'final', 250),
    ];
    expect(
      (await finalize(kinesisEvent(finals, { shardId: SHARD, arrivalSeconds: end / 1000 }))).batchItemFailures,
    ).toEqual([]);
    clock.set(end + 60_000);
    await finalize({ source: 'aws.events', 'detail-type': 'Scheduled Event' } as Parameters<typeof finalize>[0]);
    expect(metrics.totals.RacesClosed).toBe(1);
    expect(metrics.totals.FinalsNotAdmitted).toBe(3);
    const results = (await raceShardItems(ddb, harness.tableName, CLASS_ID, RACE_ID))
      .filter((i) => String(i.SK).startsWith('RESULT#'))
      .map((i) => [i.racerId, i.output, i.finished, i.flags ?? null])
      .sort();
    expect(results).toEqual([
      ['ann', 60, true, null],
      ['bob', 6.6, false, null],
      ['cy', 60, true, null],
    ]);
    ddb.destroy();
  });
});
