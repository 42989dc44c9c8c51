/**
 * The finalizer's pure judgement of a batch's `final` records under the
 * fair-play rules (core/fairPlay.ts): which are kept as pending finals
 * (pendingFinal.ts), which are refused.
 */
import { recordFlags } from '../../core/fairPlay.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import type { PendingFinal } from './pendingFinal.js';
import { pendingFinalOf, sameFinal } from './pendingFinal.js';

export interface ArrivedRecord {
  sequenceNumber: string;
  record: TelemetryRecord;
  /** Kinesis arrival, epoch ms (NaN when the event does not say). */
  arrivalMillis: number;
}

export interface FinalCandidate {
  final: PendingFinal;
  /** Sequence numbers of the records this final came from (all fail if it cannot be stored). */
  sequenceNumbers: string[];
  /** A different final of the rider came later in the batch: the stored one is marked conflicting. */
  conflicting: boolean;
}

export interface JudgedFinals {
  candidates: FinalCandidate[];
  /** Finals ahead of the race clock or before the last second (the aggregator flags the rider). */
  refused: number;
  /** Different finals after a rider's first valid one in this batch. */
  conflicts: number;
}

/**
 * One candidate per (race, rider): the first valid final in batch (shard)
 * order. A later identical final is a replay and joins it; a later different
 * one is refused and counted, and marks the rider's final conflicting.
 */
export function judgeFinals(records: readonly ArrivedRecord[], raceSeconds: number): JudgedFinals {
  const byKey = new Map<string, FinalCandidate>();
  let refused = 0;
  let conflicts = 0;
  for (const { sequenceNumber, record: r, arrivalMillis } of records) {
    if (r.event !== 'final') continue;
    if (recordFlags(r.raceId, raceSeconds, r.second, r.event, arrivalMillis) !== 0) {
      refused += 1;
      continue;
    }
    const final = pendingFinalOf(r);
    const k = `${r.classId}:${r.raceId}:${r.racerId}`;
    const seen = byKey.get(k);
    if (seen === undefined) {
      byKey.set(k, { final, sequenceNumbers: [sequenceNumber], conflicting: false });
    } else if (sameFinal(seen.final, final)) {
      seen.sequenceNumbers.push(sequenceNumber);
    } else {
      seen.conflicting = true;
      conflicts += 1;
    }
  }
  return { candidates: [...byKey.values()], refused, conflicts };
}
