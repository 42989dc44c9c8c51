/**
 * What the stack must show after the race, computed here from the records the
 * test put and nothing of the product: the contract's ranking rule (output
 * descending, then racerId ascending; equal outputs share a rank: 1, 2, 2, 4)
 * written out again, and the "newest second wins" rule per rider.
 */
import type { AckedRecord } from './kinesisProducer.js';
import type { TelemetryValue } from './raceFeed.js';

/** Ranks rows by the contract's rule. */
export function ranked<T extends { racerId: string; output: number }>(rows: readonly T[]): Array<{ rank: number } & T> {
  const sorted = [...rows].sort((a, b) =>
    a.output !== b.output ? b.output - a.output : a.racerId < b.racerId ? -1 : a.racerId > b.racerId ? 1 : 0,
  );
  return sorted.map((row, i) => {
    let first = i;
    while (first > 0 && (sorted[first - 1] as T).output === row.output) first -= 1;
    return { rank: first + 1, ...row };
  });
}

/** Each rider's newest record of the race (largest second; a replay or a duplicate put changes nothing). */
export function newestPerRider(acked: readonly AckedRecord[], classId: number, raceId: number): TelemetryValue[] {
  const newest = new Map<string, TelemetryValue>();
  for (const { value } of acked) {
    if (value.classId !== classId || value.raceId !== raceId) continue;
    const seen = newest.get(value.racerId);
    if (!seen || value.second > seen.second) newest.set(value.racerId, value);
  }
  return [...newest.values()];
}

export interface ExpectedResult {
  rank: number;
  racerId: string;
  name: string;
  output: number;
  classId: number;
  raceId: number;
  finished: boolean;
  lastSecond: number;
}

/** raceResults: a rider's final is the result; a rider without one is not finished, at their last second. */
export function expectedResults(newest: readonly TelemetryValue[]): ExpectedResult[] {
  return ranked(
    newest.map((v) => ({
      racerId: v.racerId,
      name: v.name,
      output: v.output,
      classId: v.classId,
      raceId: v.raceId,
      finished: v.event === 'final',
      lastSecond: v.second,
    })),
  );
}

export interface ExpectedLiveEntry {
  rank: number;
  racerId: string;
  name: string;
  output: number;
  second: number;
}

/** The race's last live board: every rider at their newest second. */
export function expectedBoard(newest: readonly TelemetryValue[]): ExpectedLiveEntry[] {
  return ranked(newest.map((v) => ({ racerId: v.racerId, name: v.name, output: v.output, second: v.second })));
}

export interface ExpectedAllTime {
  rank: number;
  racerId: string;
  name: string;
  classId: number;
  bestOutput: number;
  bestRaceId: number;
  racesCompleted: number;
  totalOutput: number;
  lastRaceId: number;
}

/**
 * allTimeRankings after this one race on a fresh table: every result counted
 * once, so best and total are the result's output and one race is completed.
 */
export function expectedAllTime(results: readonly ExpectedResult[]): ExpectedAllTime[] {
  return ranked(
    results.map((r) => ({
      racerId: r.racerId,
      name: r.name,
      classId: r.classId,
      bestOutput: r.output,
      bestRaceId: r.raceId,
      racesCompleted: 1,
      totalOutput: r.output,
      lastRaceId: r.raceId,
      output: r.output,
    })),
  ).map(({ output: _output, ...entry }) => entry);
}

export interface ExpectedSummary {
  competitors: number;
  finishers: number;
  winnerRacerId: string;
  winnerName: string;
  bestOutput: number;
}

/** The race summary the close writes. */
export function expectedSummary(results: readonly ExpectedResult[]): ExpectedSummary {
  const winner = results[0];
  if (!winner) throw new Error('no results to summarise');
  return {
    competitors: results.length,
    finishers: results.filter((r) => r.finished).length,
    winnerRacerId: winner.racerId,
    winnerName: winner.name,
    bestOutput: winner.output,
  };
}
