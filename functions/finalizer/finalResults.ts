/** The finalizer's result items from `final` records. */
import type { ResultItem } from '../../core/resultItem.js';
import { buildResultItem } from '../../core/resultItem.js';
import type { TelemetryRecord } from '../../core/telemetry.js';

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
