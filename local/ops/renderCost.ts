/**
 * The cost section of `alleycat status`: what the AppSync traffic of the
 * running race costs at list prices so far and over the whole race, its
 * billing units, the keys that cost most, the last race and the total. A
 * handful of lines, none wider than the screen. Pure, like renderStatus.
 */
import { formatUsd, type CostFigures, type OpsCost } from '../../contract/opsCost.js';

/** Keys listed (subscriptions and operations together, most expensive first). */
const TOP_KEYS = 3;

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function minutes(n: number): string {
  return n >= 100 ? count(n) : n.toFixed(1);
}

function span(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** One line no wider than `width` (cut with an ellipsis). */
function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function units(f: CostFigures): string[] {
  return [
    `  requests ${count(f.requests)} ${formatUsd(f.usd.requests)} · connection-minutes ${minutes(
      f.connectionMinutes,
    )} ${formatUsd(f.usd.connectionMinutes)}`,
    `  real-time updates ${count(f.realtimeUpdates)} ${formatUsd(f.usd.realtimeUpdates)}`,
    `    = ${count(f.dataUnits)} × 5 KB in ${count(f.dataMessages)} msgs + ${count(f.connections)} connects + ${count(
      f.subscriptionStarts,
    )} subscribes`,
  ];
}

/** The section's lines (a blank line first); none when the stack does not meter. */
export function renderCost(cost: OpsCost | undefined, width: number): string[] {
  if (!cost) return [];
  const { race, prices } = cost;
  const lines = ['', `APPSYNC COST  list prices ${prices.region} (read ${prices.readOn})`];
  // The whole race at the rate seen so far (costTracker.ts says how).
  const whole = race.projected
    ? `whole race ≈ ${formatUsd(race.projected.usd.total)} at this rate`
    : `whole race after ${race.minimumSeconds}s`;
  lines.push(
    `  race ${race.raceId}, ${span(race.countedSeconds)} of ${span(race.raceSeconds)}: so far ${formatUsd(
      race.soFar.usd.total,
    )}, ${whole}`,
  );
  lines.push(...units(race.soFar));
  const keys = [
    ...race.subscriptions.map((s) => ({
      key: s.key,
      usd: s.projectedUsd ?? s.usd,
      what: `${count(s.messages)} msgs ${count(s.units)} units`,
    })),
    ...race.operations.map((o) => ({ key: o.key, usd: o.projectedUsd ?? o.usd, what: `${count(o.requests)} req` })),
  ]
    .sort((a, b) => b.usd - a.usd || a.key.localeCompare(b.key))
    .slice(0, TOP_KEYS);
  const per = race.projected ? '/race' : ' so far';
  for (const k of keys) lines.push(`  ${formatUsd(k.usd)}${per}  ${k.key}  ${k.what}`);
  const last = cost.lastRace
    ? `last race ${cost.lastRace.raceId} ${formatUsd(cost.lastRace.figures.usd.total)}${
        cost.lastRace.complete ? '' : ' (partly counted)'
      } · `
    : '';
  lines.push(`  ${last}since start ${formatUsd(cost.total.usd.total)}`);
  return lines.map((l) => fit(l, width));
}
