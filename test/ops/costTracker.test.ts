/** The cost view's race arithmetic over a real usage meter on a test clock. */
import { describe, expect, it } from 'vitest';
import { createUsageMeter, METERED_MESSAGE_BYTES } from '../../local/appsync/index.js';
import { createCostTracker } from '../../local/ops/costTracker.js';
import { renderCost } from '../../local/ops/renderCost.js';
import { APPSYNC_PRICES } from '../../infra/appsyncPrices.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { formatUsd } from '../../contract/opsCost.js';

const RACE_SECONDS = 300;
const RACE = 5_905_000;
const START = raceStartMillis(RACE, RACE_SECONDS);

function setup(startAt: number) {
  const clock = { now: startAt };
  const meter = createUsageMeter({ clock: () => clock.now });
  const tracker = createCostTracker({
    usage: () => meter.usage(),
    prices: APPSYNC_PRICES,
    meteredMessageBytes: METERED_MESSAGE_BYTES,
    raceSeconds: RACE_SECONDS,
  });
  return { clock, meter, tracker };
}

describe('cost tracker', () => {
  it('does not extrapolate before 15 s are counted, then scales to the whole race', () => {
    const { clock, meter, tracker } = setup(START);
    meter.request('Mutation.publishLiveRankings');
    clock.now += 10_000;
    expect(tracker.read().race).toMatchObject({ countedSeconds: 10, projected: null });
    clock.now += 20_000;
    const race = tracker.read().race;
    expect(race.countedSeconds).toBe(30);
    expect(race.projected?.requests).toBe(10);
    expect(race.operations).toEqual([
      { key: 'Mutation.publishLiveRankings', requests: 1, usd: 4e-6, projectedUsd: expect.closeTo(4e-5, 15) },
    ]);
  });

  it('keeps the ended race when the slot changes, complete only when counted from its start', () => {
    // The stack starts 2 minutes into a race.
    const { clock, meter, tracker } = setup(START + 120_000);
    const closeA = meter.connectionOpened();
    const sub = meter.subscription('onLiveRankings(classId: 1)');
    sub.started();
    for (let i = 0; i < 36; i += 1) sub.delivered(89 * 1024);
    clock.now = START + RACE_SECONDS * 1000 + 1_000;
    tracker.sample();
    let cost = tracker.read();
    expect(cost.lastRace?.raceId).toBe(RACE);
    expect(cost.lastRace?.complete).toBe(false);
    // 181 s connected, 36 events of 89 KB = 18 units each, 1 connect, 1 subscribe.
    expect(cost.lastRace?.figures).toMatchObject({
      dataMessages: 36,
      dataUnits: 36 * 18,
      realtimeUpdates: 36 * 18 + 2,
    });
    expect(cost.lastRace?.figures.connectionMinutes).toBeCloseTo(181 / 60, 9);
    expect(cost.race).toMatchObject({ raceId: RACE + 1, countedSeconds: 0 });
    expect(cost.race.soFar.dataUnits).toBe(0);

    // The next race is counted from 1 s after its start: complete. The open connection carries over.
    sub.delivered(1000);
    clock.now += RACE_SECONDS * 1000;
    closeA();
    tracker.sample();
    cost = tracker.read();
    expect(cost.lastRace).toMatchObject({ raceId: RACE + 1, complete: true });
    expect(cost.lastRace?.figures).toMatchObject({ dataUnits: 1, connections: 0 });
    expect(cost.lastRace?.figures.connectionMinutes).toBeCloseTo(5, 9);
    expect(cost.total).toMatchObject({ dataUnits: 36 * 18 + 1, connections: 1 });
  });

  it('lists the costliest keys first and says how many more there are', () => {
    const { clock, meter, tracker } = setup(START);
    for (let classId = 1; classId <= 20; classId += 1) {
      const sub = meter.subscription(`onLiveRankings(classId: ${classId})`);
      sub.started();
      for (let i = 0; i < classId; i += 1) sub.delivered(100);
    }
    clock.now += 60_000;
    const { race } = tracker.read();
    expect(race.subscriptions.map((s) => s.key).slice(0, 3)).toEqual([
      'onLiveRankings(classId: 20)',
      'onLiveRankings(classId: 19)',
      'onLiveRankings(classId: 18)',
    ]);
    expect(race.subscriptions).toHaveLength(12);
    expect(race.omitted).toEqual({ operations: 0, subscriptions: 8 });
  });

  it('prices the issue example: 13 million metered messages a race are about $26', () => {
    const { clock, meter, tracker } = setup(START);
    const sub = meter.subscription('onLiveRankings(classId: 1)');
    // 6 classes × 1,000 viewers × 60 windows × 18 units ≈ 6.5 M; ×2 for the closers' duplicate publishes ≈ 13 M.
    for (let i = 0; i < 13_000_000 / 18; i += 1) sub.delivered(89 * 1024);
    clock.now += RACE_SECONDS * 1000 - 1;
    const { race } = tracker.read();
    expect(race.soFar.dataUnits).toBe(Math.ceil(13_000_000 / 18) * 18);
    expect(formatUsd(race.soFar.usd.realtimeUpdates)).toBe('$26.00');
    const lines = renderCost(tracker.read(), 80);
    expect(lines).toContain('  $26.00/race  onLiveRankings(classId: 1)  722,223 msgs 13,000,014 units');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('formatUsd', () => {
  it('shows small amounts without exponents and large ones with thousands separators', () => {
    expect([0, 4e-7, 0.00042, 0.0042, 0.042, 26, 1234.5].map(formatUsd)).toEqual([
      '$0',
      '<$0.0001',
      '$0.0004',
      '$0.0042',
      '$0.04',
      '$26.00',
      '$1,234.50',
    ]);
  });
});
