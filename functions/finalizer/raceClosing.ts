/**
 * Pure parts of closing a race: which races are due, and the race's results
 * (the summary is core/raceSummary.ts).
 */
import { flagNames, flagOf, stepFlag } from '../../core/fairPlay.js';
import { racerIdOfRiderMapKey, scoreUnits } from '../../core/keys.js';
import type { LiveRider, LiveRiders } from '../../core/livePart.js';
import { mergeRiders } from '../../core/livePart.js';
import type { OpenRace } from '../../core/openRace.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { ResultItem } from '../../core/resultItem.js';
import { buildResultItem } from '../../core/resultItem.js';
import type { PendingFinal } from './pendingFinal.js';

/** Races whose slot plus the grace period has passed at `nowMillis`. */
export function dueRaces(
  open: readonly OpenRace[],
  nowMillis: number,
  raceSeconds: number,
  graceSeconds: number,
): OpenRace[] {
  return open.filter((r) => nowMillis >= raceEndMillis(r.raceId, raceSeconds) + graceSeconds * 1000);
}

/**
 * One shard's recorded progress: every record that arrived up to `position`
 * (epoch ms) is processed; written at `seenAt`, `busy` while an invocation
 * of the shard is running (written at its start, cleared at its end).
 */
export interface ShardPosition {
  shardId: string;
  position: number;
  seenAt: number;
  busy: boolean;
}

/** How long a shard's recorded position holds closes up. */
export interface ShardHold {
  /**
   * A shard whose last invocation ended this long ago has nothing left to
   * read: Kinesis polls an idle shard about once a second and invokes as
   * soon as records arrive (plus the batching window).
   */
  quietMs: number;
  /** A shard busy for this long has died mid-invocation (the function's timeout); its retry writes anew. */
  busyMs: number;
}

/**
 * The arrival time every shard still being read has processed up to: the
 * lowest position among shards that hold closes (see ShardHold), never past
 * `nowMillis`. A race is closed only once this passes its end plus grace, so
 * a final that reached a lagging shard in time is read before the close. A
 * position written further ahead of the clock than `busyMs` is ignored.
 */
export function closingHorizon(positions: readonly ShardPosition[], nowMillis: number, hold: ShardHold): number {
  let horizon = nowMillis;
  for (const p of positions) {
    const age = nowMillis - p.seenAt;
    if (age <= -hold.busyMs || age >= (p.busy ? hold.busyMs : hold.quietMs)) continue;
    horizon = Math.min(horizon, p.position);
  }
  return horizon;
}

/**
 * Races no finalizer has processed a record of for `quietMs` (or whose
 * marker does not say): the scheduled close takes only these, so that it
 * never closes a race whose records a consumer running behind is still
 * reading (that consumer closes it itself once it has read past its end).
 */
export function quietRaces(open: readonly OpenRace[], nowMillis: number, quietMs: number): OpenRace[] {
  return open.filter((r) => r.lastRecordAt === undefined || nowMillis - r.lastRecordAt >= quietMs);
}

/**
 * The results of a race at its close, one per rider seen live or with a
 * pending final, each carrying the rider's fair-play flags:
 *
 * - a pending final is the result (`finished`) if it keeps rule 2 against
 *   the rider's newest live record (so a final the aggregator refused is not
 *   taken here either); otherwise the live data is, flagged with the rule;
 * - a rider without a pending final gets the live data (`finished: false`);
 * - flags: the live part's (the aggregator's checks) plus CONFLICTING_FINAL
 *   when a different final was refused.
 */
export function closingResults(
  race: OpenRace,
  parts: readonly LiveRiders[],
  pendings: readonly PendingFinal[],
): ResultItem[] {
  let all: LiveRiders = {};
  for (const p of parts) all = mergeRiders(all, p).riders;
  const finals = new Map<string, PendingFinal>();
  for (const p of pendings) finals.set(p.racerId, p);
  const out: ResultItem[] = [];
  for (const [key, r] of Object.entries(all) as Array<[string, LiveRider]>) {
    const racerId = racerIdOfRiderMapKey(key);
    const final = finals.get(racerId);
    finals.delete(racerId);
    let flags = r.flags ?? 0;
    const name = final?.name ?? r.name;
    if (final !== undefined) {
      if (final.conflicting === true) flags = flags | flagOf('CONFLICTING_FINAL');
      const broken =
        final.second >= r.second
          ? stepFlag(r.second, scoreUnits(r.output), final.second, scoreUnits(final.output), final.power)
          : 0;
      if (broken === 0) {
        out.push(resultOf(race, racerId, name, final.output, final.second, true, flags));
        continue;
      }
      flags = flags | broken;
    }
    out.push(resultOf(race, racerId, name, r.output, r.second, false, flags));
  }
  // Finals of riders the live parts do not hold (the aggregator behind, or a rider who sent only a final).
  for (const final of finals.values()) {
    const flags = final.conflicting === true ? flagOf('CONFLICTING_FINAL') : 0;
    out.push(resultOf(race, final.racerId, final.name, final.output, final.second, true, flags));
  }
  return out;
}

function resultOf(
  race: OpenRace,
  racerId: string,
  name: string | undefined,
  output: number,
  lastSecond: number,
  finished: boolean,
  flags: number,
): ResultItem {
  return buildResultItem({
    classId: race.classId,
    raceId: race.raceId,
    racerId,
    ...(name === undefined ? {} : { name }),
    output,
    lastSecond,
    finished,
    ...(flags === 0 ? {} : { flags: flagNames(flags) }),
  });
}
