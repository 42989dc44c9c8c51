/**
 * Result items (one per rider per race) — pure builders. Agreed item shape:
 * PK/SK resultKey; classId, raceId, racerId, name, output, finished,
 * lastSecond, itemType 'Result', GSI1 (race results by output) and GSI2
 * (the rider's results newest first).
 */
import { ITEM_RESULT, racerResultsIndexKeys, resultKey, resultRankIndexKeys } from '../../core/keys.js';
import type { TelemetryRecord } from '../../core/telemetry.js';

export interface ResultFacts {
  classId: number;
  raceId: number;
  racerId: string;
  name?: string;
  output: number;
  lastSecond: number;
  finished: boolean;
}

export type ResultItem = ResultFacts & {
  PK: string;
  SK: string;
  itemType: typeof ITEM_RESULT;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
};

/** The stored item of a result. */
export function buildResultItem(f: ResultFacts): ResultItem {
  const item: ResultItem = {
    ...resultKey(f.classId, f.raceId, f.racerId),
    itemType: ITEM_RESULT,
    classId: f.classId,
    raceId: f.raceId,
    racerId: f.racerId,
    output: f.output,
    lastSecond: f.lastSecond,
    finished: f.finished,
    ...resultRankIndexKeys(f.classId, f.raceId, f.racerId, f.output),
    ...racerResultsIndexKeys(f.racerId, f.classId, f.raceId),
  };
  if (f.name !== undefined) item.name = f.name;
  return item;
}

export interface FinalResult {
  item: ResultItem;
  /** Sequence numbers of the records this item came from (all fail if it fails). */
  sequenceNumbers: string[];
}

/**
 * One result item per (race, rider) from the batch's `final` records.
 * A batch may hold the same final twice (a replay) — BatchWriteItem refuses
 * duplicate keys in one call, so they are merged here; should two finals of a
 * rider differ, the larger output wins, so the outcome does not depend on order.
 */
export function finalResults(
  records: ReadonlyArray<{ sequenceNumber: string; record: TelemetryRecord }>,
): FinalResult[] {
  const byKey = new Map<string, FinalResult>();
  for (const { sequenceNumber, record: r } of records) {
    if (r.event !== 'final') continue;
    const item = buildResultItem({
      classId: r.classId,
      raceId: r.raceId,
      racerId: r.racerId,
      ...(r.name === undefined ? {} : { name: r.name }),
      output: r.output,
      lastSecond: r.second,
      finished: true,
    });
    const k = `${item.PK}|${item.SK}`;
    const seen = byKey.get(k);
    if (seen === undefined) {
      byKey.set(k, { item, sequenceNumbers: [sequenceNumber] });
    } else {
      seen.sequenceNumbers.push(sequenceNumber);
      if (item.output > seen.item.output) seen.item = item;
    }
  }
  return [...byKey.values()];
}
