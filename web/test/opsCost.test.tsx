import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { OpsView } from '../src/pages/OpsPage.js';
import type { OpsSnapshot } from '../src/ops/opsModel.js';
import type { CostFigures, OpsCost } from '../../contract/opsCost.js';
import { APPSYNC_PRICES } from '../../infra/appsyncPrices.js';

const T0 = 1_763_870_000_000;

function figures(scale: number): CostFigures {
  const requests = 100 * scale;
  const dataUnits = 18_000 * scale;
  const connections = 10 * scale;
  const subscriptionStarts = 10 * scale;
  const realtimeUpdates = dataUnits + connections + subscriptionStarts;
  const connectionMinutes = 10 * scale;
  const usd = {
    requests: (requests * 4) / 1e6,
    realtimeUpdates: (realtimeUpdates * 2) / 1e6,
    connectionMinutes: (connectionMinutes * 0.08) / 1e6,
  };
  return {
    requests,
    realtimeUpdates,
    dataMessages: 1_000 * scale,
    dataUnits,
    connections,
    subscriptionStarts,
    connectionMinutes,
    usd: { ...usd, total: usd.requests + usd.realtimeUpdates + usd.connectionMinutes },
  };
}

const cost: OpsCost = {
  prices: APPSYNC_PRICES,
  meteredMessageBytes: 5120,
  total: figures(7),
  race: {
    raceId: 5_905_000,
    raceSeconds: 300,
    countedSeconds: 60,
    soFar: figures(1),
    projected: figures(5),
    minimumSeconds: 15,
    method: 'counts so far × 300 s / seconds counted (from 15 s counted on)',
    operations: [{ key: 'Mutation.publishLiveRankings', requests: 100, usd: 0.0004, projectedUsd: 0.002 }],
    subscriptions: [
      {
        key: 'onLiveRankings(classId: 1)',
        starts: 10,
        messages: 1_000,
        units: 18_000,
        bytes: 91_136_000,
        usd: 0.03602,
        projectedUsd: 0.1801,
      },
    ],
    omitted: { operations: 0, subscriptions: 2 },
  },
  lastRace: { raceId: 5_904_999, complete: false, figures: figures(2) },
};

function snapshot(withCost: OpsCost | undefined): OpsSnapshot {
  return {
    version: 1,
    now: T0,
    startedAt: T0 - 60_000,
    resolutionMs: 2000,
    retentionMs: 10_000,
    series: [],
    alerts: [],
    ...(withCost ? { cost: withCost } : {}),
    inputs: { emfLines: 0, emfMetrics: 0, emfInvalid: 0, lastEmfError: null, sourceErrors: {} },
  };
}

function text(html: string): string {
  return html
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');
}

describe('ops view: AppSync cost', () => {
  it('shows the race so far and over the whole race, how it is estimated, and the dated prices', () => {
    const t = text(renderToString(<OpsView snapshot={snapshot(cost)} />));
    expect(t).toContain('AppSync cost at list prices');
    expect(t).toContain('Race 5905000: $0.04 in the 1 min 0 s counted, about $0.18 over the whole 5 min 0 s race.');
    expect(t).toContain('Estimate: counts so far × 300 s / seconds counted (from 15 s counted on).');
    expect(t).toContain('Prices for us-east-1 read 2026-12-07 from https://aws.amazon.com/appsync/pricing/');
    expect(t).toContain(
      '$4 per million requests, $2 per million real-time updates, $0.08 per million connection-minutes',
    );
    // The periods side by side; the last race is marked when the stack started during it.
    expect(t).toContain('This race so far Whole race (estimate) Last race (partly counted) Since start');
    expect(t).toContain('data messages (5 KB units) 1,000 (18,000) 5,000 (90,000) 2,000 (36,000) 7,000 (126,000)');
  });

  it('lists the cost by subscription and by operation, and says how many are not listed', () => {
    const t = text(renderToString(<OpsView snapshot={snapshot(cost)} />));
    expect(t).toContain('onLiveRankings(classId: 1) 10 1,000 18,000 $0.18');
    expect(t).toContain('Mutation.publishLiveRankings 100 $0.0020');
    expect(t).toContain('Not listed: 2 more subscriptions and 0 more operations');
  });

  it('waits for the first seconds before estimating, and shows nothing without a meter', () => {
    const early = { ...cost, race: { ...cost.race, countedSeconds: 5, projected: null } };
    const t = text(renderToString(<OpsView snapshot={snapshot(early)} />));
    expect(t).toContain('the whole-race estimate starts after 15 s');
    expect(t).toContain('Whole race (estimate) Last race');
    expect(text(renderToString(<OpsView snapshot={snapshot(undefined)} />))).not.toContain('AppSync cost');
  });
});
