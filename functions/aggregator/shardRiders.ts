/**
 * The riders each shard's part of a race holds, as one container knows them,
 * so that the fold can drop a late joiner's records at once instead of
 * carrying them in the window state to the close (foldBatch.ts PartRiders).
 *
 * A race admits riders only at the close of windows that carry records
 * arriving before its join cutoff (core/fairPlay.ts joinCutoffMillis), and a
 * shard closes its windows one after another. So what the shard's part holds
 * when a window starts is every rider its earlier windows admitted, and once
 * the shard has closed a window ending after the cutoff it is every rider the
 * shard will ever admit to the race. A known set is kept with the window
 * boundary it is complete up to (`through`): it answers for a window that
 * starts there or earlier, or for any window once `through` is past the
 * cutoff. Anything else (a container that has not seen the shard's last
 * windows) is not known: the fold lets such riders in and the invocation
 * reads the part (one strongly consistent Query) and takes them out again
 * (keepAdmitted) before the state goes back to Lambda.
 *
 * Sets only grow by riders the window marked as joining in time, which may
 * include riders a full race then refused: a set can hold more riders than
 * the part, never fewer, so an admitted rider is never dropped (a full race's
 * refused riders are kept out by foldBatch.ts AdmitsRider).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { joinCutoffMillis } from '../../core/fairPlay.js';
import { racerIdOfRiderMapKey } from '../../core/keys.js';
import { readPart } from './livePartStore.js';
import { checksOf } from './mergeRecord.js';
import type { WindowState } from './windowState.js';
import { parseRaceKey, raceKeyOf } from './windowState.js';

interface KnownPart {
  racerIds: Set<string>;
  /** Every window of the shard ending at or before this (epoch ms) is in `racerIds`. */
  through: number;
}

/** Parts remembered per container: a shard carries every class, a race slot or two at a time. */
export const SHARD_RIDERS_KEPT = 32;

/** Per container: the riders of each (shard, race) part it knows, and how far. */
export class ShardRiders {
  private readonly known = new Map<string, KnownPart>();
  constructor(private readonly raceSeconds: number) {}

  private keyOf(shardId: string, raceKey: string): string {
    return `${shardId}|${raceKey}`;
  }

  private usable(part: KnownPart | undefined, raceKey: string, windowStart: number): KnownPart | undefined {
    if (part === undefined) return undefined;
    if (part.through >= windowStart) return part;
    const { raceId } = parseRaceKey(raceKey);
    return part.through > joinCutoffMillis(raceId, this.raceSeconds) ? part : undefined;
  }

  /** The riders of the shard's part of a race if known for the window starting at `windowStart` (epoch ms). */
  ridersFor(shardId: string, classId: number, raceId: number, windowStart: number): ReadonlySet<string> | undefined {
    const raceKey = raceKeyOf(classId, raceId);
    return this.usable(this.known.get(this.keyOf(shardId, raceKey)), raceKey, windowStart)?.racerIds;
  }

  private remember(key: string, part: KnownPart): void {
    this.known.delete(key);
    this.known.set(key, part);
    while (this.known.size > SHARD_RIDERS_KEPT) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
  }

  /** Reads the shard's part of a race, complete up to `windowStart`, and keeps it if the window is known. */
  private async read(
    ddb: DynamoDBDocumentClient,
    tableName: string,
    shardId: string,
    classId: number,
    raceId: number,
    windowStart: number | undefined,
  ): Promise<KnownPart> {
    const stored = await readPart(ddb, tableName, { classId, raceId, shardId });
    const racerIds = new Set<string>();
    for (const page of stored.pages) for (const k of Object.keys(page.riders)) racerIds.add(racerIdOfRiderMapKey(k));
    const part = { racerIds, through: windowStart ?? Number.NEGATIVE_INFINITY };
    if (windowStart !== undefined) this.remember(this.keyOf(shardId, raceKeyOf(classId, raceId)), part);
    return part;
  }

  /**
   * For each race the fold could not judge (FoldResult.unjudged): reads the
   * shard's part (complete up to `windowStart`, the window being folded,
   * whose earlier windows are all closed) and takes out of the state every
   * rider it neither holds nor marked as joining in time. Returns the riders
   * taken out. Without a window start (not a tumbling-window event) the read
   * serves this invocation only.
   */
  async keepAdmitted(
    ddb: DynamoDBDocumentClient,
    tableName: string,
    shardId: string,
    state: WindowState,
    raceKeys: readonly string[],
    windowStart: number | undefined,
  ): Promise<number> {
    let removed = 0;
    for (const raceKey of raceKeys) {
      const { classId, raceId } = parseRaceKey(raceKey);
      const key = this.keyOf(shardId, raceKey);
      const part =
        (windowStart === undefined ? undefined : this.usable(this.known.get(key), raceKey, windowStart)) ??
        (await this.read(ddb, tableName, shardId, classId, raceId, windowStart));
      const riders = state.r[raceKey];
      if (riders === undefined) continue;
      const marks = state.j?.[raceKey];
      const out = Object.keys(riders).filter((id) => marks?.[id] !== 1 && !part.racerIds.has(id));
      if (out.length === 0) continue;
      const checks = checksOf(state, classId, raceId);
      for (const id of out) {
        delete riders[id];
        delete checks[id];
      }
      removed += out.length;
    }
    return removed;
  }

  /**
   * After the shard stored the window ending at `windowEnd` (epoch ms; it
   * started at `windowStart`): each known part complete up to the window's
   * start gains the riders the window marked as joining in time (the only
   * riders its close may have admitted) and is now complete up to its end.
   */
  afterClose(shardId: string, state: WindowState, windowStart: number, windowEnd: number): void {
    const prefix = `${shardId}|`;
    for (const [key, part] of [...this.known]) {
      if (!key.startsWith(prefix)) continue;
      const raceKey = key.slice(prefix.length);
      if (this.usable(part, raceKey, windowStart) === undefined) continue;
      const marks = state.j?.[raceKey];
      if (marks !== undefined) for (const id of Object.keys(marks)) if (marks[id] === 1) part.racerIds.add(id);
      part.through = Math.max(part.through, windowEnd);
    }
  }
}
