/**
 * The finalizer's invocation logic (second Kinesis consumer), dependencies
 * passed in; handler.ts wires it to the environment.
 *
 * 1. Decode and validate every record (malformed: counted, logged once, dropped).
 * 2. Mark every race seen as open, with when its records were last read
 *    (once per container per race and touch interval while it runs).
 * 3. `final` records → judged under the fair-play rules (judgeFinals.ts); the
 *    first valid final of each rider is kept as its pending final (first
 *    wins, conditional put) if its rider was admitted to the race
 *    (admittedFinals.ts); results are written only when the race closes.
 * 4. Report per-record failures through Powertools' BatchProcessor, so Lambda
 *    retries from the first failed record only.
 * 5. Close every open race whose slot plus grace has passed (injected clock),
 *    each by the one invocation that claims it on its OpenRace marker.
 *
 * A scheduled invocation (EventBridge, every minute: infra/settings.ts
 * CLOSE_SCHEDULE) only does 5, for races no finalizer has read a record of
 * for a while, so that races close when the stream goes quiet.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import { errorMessage, toError } from '../../lib/toError.js';
import { PipelineError } from '../runtime/errors.js';
import { decodeTelemetry } from '../runtime/decodeTelemetry.js';
import type { KinesisEventRecord } from '../runtime/kinesisRecord.js';
import { shardIdOf } from '../runtime/kinesisRecord.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import { closeRace } from './closeRace.js';
import type { OpenRace } from '../../core/openRace.js';
import type { ShardHold, ShardPosition } from './raceClosing.js';
import { closingHorizon, dueRaces, quietRaces } from './raceClosing.js';
import { readShardPositions, writeShardPosition } from './shardPositions.js';
import { claimRaceClose, isRaceClosed, listOpenRaces, storeFinals, touchOpenRace } from './raceStore.js';
import type { ArrivedRecord } from './judgeFinals.js';
import { judgeFinals } from './judgeFinals.js';
import { admittedFinals } from './admittedFinals.js';

export interface FinalizerDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  raceSeconds: number;
  graceSeconds: number;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** Open races are looked for at most this often per container (default 5 s). */
  closeCheckIntervalMs?: number;
  /**
   * Time an invocation may spend closing races (default 20 s; the function's
   * timeout is 60 s): no race is claimed and no transaction of results is
   * started after it. A race whose results are not all written by then is
   * closed on by the next invocation (closeRace.ts).
   */
  closeBudgetMs?: number;
  /**
   * Races an invocation with records closes at most (default 1). Its shard
   * waits for the close (a Kinesis batch is done only when the handler
   * returns), so closing the six races that end together in one invocation
   * would hold one shard for seconds; one each spreads them over the shards
   * (each invocation claims a different one). A scheduled invocation closes
   * every due race within the budget.
   */
  closesPerInvocation?: number;
  /**
   * How long a claim to close a race keeps other closers away (default 60 s,
   * the function's timeout: by then a claimer that has not finished is dead).
   */
  closeLeaseMs?: number;
  /** How often a container refreshes a running race's `lastRecordAt` (default 10 s). */
  touchIntervalMs?: number;
  /**
   * The scheduled close leaves a race alone until no finalizer has read a
   * record of it for this long (default 30 s: three touch intervals).
   */
  quietMs?: number;
  /**
   * How long a shard's recorded position holds race closes up (see
   * closingHorizon): after its last invocation ended (default 5 s: the
   * poller's second, the batching window and a margin), or while one runs
   * (default 60 s, the function's timeout).
   */
  shardHold?: Partial<ShardHold>;
}

export interface KinesisBatchEvent {
  Records: Array<KinesisEventRecord & { eventSourceARN?: string }>;
}

/**
 * A scheduled invocation: the event an EventBridge rule with a schedule
 * expression sends (`source` "aws.events", `detail-type` "Scheduled Event",
 * plus version, id, account, time, region, resources, detail). No records,
 * only the closing of due races, so that a race closes even when the stream
 * goes quiet.
 */
export interface ScheduledEvent {
  source: 'aws.events';
  'detail-type': 'Scheduled Event';
  version?: string;
  id?: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: readonly string[];
  detail?: Record<string, unknown>;
}

/** Whether an event is EventBridge's Scheduled Event. */
export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  if (event === null || typeof event !== 'object') return false;
  const e = event as Record<string, unknown>;
  return e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

/** An invocation that is neither a Kinesis batch nor a Scheduled Event (a wiring mistake). */
export class UnsupportedEventError extends PipelineError {
  override readonly name = 'UnsupportedEventError';
}

export interface PartialResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** A record whose result or race marker could not be stored. */
export class RecordNotStoredError extends PipelineError {
  override readonly name = 'RecordNotStoredError';
}

/** Builds the finalizer for the given dependencies. */
export function createFinalizer(
  deps: FinalizerDeps,
): (event: KinesisBatchEvent | ScheduledEvent) => Promise<PartialResponse> {
  /** When this container last wrote each race's marker (its clock). */
  const touchedAt = new Map<string, number>();
  let lastCloseCheck = Number.NEGATIVE_INFINITY;
  const hold: ShardHold = { quietMs: 5000, busyMs: 60_000, ...deps.shardHold };

  /**
   * Records a shard's position. A failure is logged and counted, not thrown:
   * the records are stored either way, and a position not recorded only
   * means that other closers see this shard as further behind, or as quiet,
   * than it is.
   */
  async function recordPosition(position: ShardPosition): Promise<void> {
    try {
      await writeShardPosition(deps.ddb, deps.tableName, position);
    } catch (error) {
      deps.metrics.addMetric('ShardPositionFailures', 'Count', 1);
      deps.logger.warn('shard position not recorded', { shardId: position.shardId, error: errorMessage(error) });
    }
  }

  async function markRaces(valid: readonly ArrivedRecord[], failed: Map<string, Error>): Promise<void> {
    const seqsByRace = new Map<string, { race: OpenRace; seqs: string[] }>();
    const now = deps.clock.now();
    for (const { sequenceNumber, record } of valid) {
      const k = `${record.classId}:${record.raceId}`;
      // Cached only while the race runs, and for one touch interval: a record
      // of a race that may already be closed (by this or another container)
      // must bring its marker back, so the race is closed again with this
      // record's result in the summary.
      const touched = touchedAt.get(k);
      if (touched !== undefined && !isDue(record.raceId) && now - touched < (deps.touchIntervalMs ?? 10_000)) continue;
      const entry = seqsByRace.get(k) ?? { race: { classId: record.classId, raceId: record.raceId }, seqs: [] };
      entry.seqs.push(sequenceNumber);
      seqsByRace.set(k, entry);
    }
    await Promise.all(
      [...seqsByRace.entries()].map(async ([k, { race, seqs }]) => {
        try {
          await touchOpenRace(deps.ddb, deps.tableName, race, now);
          touchedAt.set(k, now);
        } catch (error) {
          for (const s of seqs) failed.set(s, toError(error));
        }
      }),
    );
  }

  /** The races (`classId:raceId`) among those of `finals` whose summary exists: closed before. */
  async function closedRaces(finals: readonly OpenRace[]): Promise<Set<string>> {
    const races = new Map(finals.map((f) => [`${f.classId}:${f.raceId}`, { classId: f.classId, raceId: f.raceId }]));
    const closed = new Set<string>();
    await Promise.all(
      [...races.entries()].map(async ([k, race]) => {
        if (await isRaceClosed(deps.ddb, deps.tableName, race)) closed.add(k);
      }),
    );
    return closed;
  }

  function isDue(raceId: number): boolean {
    return dueRaces([{ classId: 0, raceId }], deps.clock.now(), deps.raceSeconds, deps.graceSeconds).length > 0;
  }

  /**
   * Closes due races. A race is due when the clock has passed its end plus the
   * grace period and so has every shard still being read (closingHorizon over
   * the recorded shard positions, this invocation's own one fresh): a
   * consumer running behind, this one or another shard's, must not see a race
   * closed whose finals it has not read yet. A record invocation closes `closesPerInvocation` races; a scheduled
   * one closes them a few at a time within a time budget, so that a backlog
   * of races cannot push an invocation past its timeout; the rest are closed
   * on the next invocation. A scheduled invocation has no shard of its
   * own, and also leaves alone races a finalizer has read a record of within
   * `quietMs` (see quietRaces).
   */
  async function closeDue(shardId: string, own: ShardPosition | undefined, scheduled = false): Promise<void> {
    const now = deps.clock.now();
    if (!scheduled && now - lastCloseCheck < (deps.closeCheckIntervalMs ?? 5000)) return;
    lastCloseCheck = now;
    const recorded = await readShardPositions(deps.ddb, deps.tableName);
    const positions = own === undefined ? recorded : [...recorded.filter((p) => p.shardId !== own.shardId), own];
    const horizon = closingHorizon(positions, now, hold);
    const open = (
      await Promise.all(RACE_CLASSES.map((c) => listOpenRaces(deps.ddb, deps.tableName, c.classId)))
    ).flat();
    const ended = dueRaces(open, horizon, deps.raceSeconds, deps.graceSeconds);
    const due = scheduled ? quietRaces(ended, now, deps.quietMs ?? 30_000) : ended;
    const budgetEnds = now + (deps.closeBudgetMs ?? 20_000);
    // Closes this invocation may still claim (a slot is taken before the claim is sent and given back if it fails).
    let closesLeft = scheduled ? due.length : Math.min(Math.max(1, deps.closesPerInvocation ?? 1), due.length);
    // More due than this invocation takes: the next invocation (another shard) looks again at once and
    // claims another race, instead of waiting for the check interval.
    if (!scheduled && due.length > closesLeft) lastCloseCheck = Number.NEGATIVE_INFINITY;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(3, closesLeft) }, async () => {
        while (next < due.length && closesLeft > 0 && deps.clock.now() < budgetEnds) {
          const race = due[next];
          next += 1;
          if (race === undefined) continue;
          closesLeft -= 1;
          // Every shard's finalizer finds the same races due; one claims each, the others skip it.
          if (!(await claimRaceClose(deps.ddb, deps.tableName, race, deps.clock.now(), deps.closeLeaseMs ?? 60_000))) {
            closesLeft += 1;
            touchedAt.delete(`${race.classId}:${race.raceId}`);
            continue;
          }
          const outcome = await closeRace(deps.ddb, deps.tableName, race, new Date(now).toISOString(), budgetEnds, () =>
            deps.clock.now(),
          );
          touchedAt.delete(`${race.classId}:${race.raceId}`);
          if (outcome.complete) deps.metrics.addMetric('RacesClosed', 'Count', 1);
          else {
            // The rest of its results go in with the next invocation, whichever shard's (or the next tick).
            deps.metrics.addMetric('RaceClosesContinued', 'Count', 1);
            lastCloseCheck = Number.NEGATIVE_INFINITY;
          }
          deps.metrics.addMetric('ResultsWritten', 'Count', outcome.written);
          deps.metrics.addMetric('NotFinishedResults', 'Count', outcome.notFinished);
          deps.metrics.addMetric('FlaggedResults', 'Count', outcome.flagged);
          deps.metrics.addMetric('LateFinalsRefused', 'Count', outcome.lateFinals);
          deps.metrics.addMetric('FinalsNotAdmitted', 'Count', outcome.notAdmitted);
          deps.logger.info(outcome.complete ? 'race closed' : 'race closing, continued by the next close', {
            shardId,
            ...race,
            ...outcome,
          });
        }
      }),
    );
  }

  return async (event) => {
    if (isScheduledEvent(event)) {
      // A failure here is thrown, so the invocation shows as failed (Lambda's
      // Errors metric); the next tick tries again.
      try {
        await closeDue('scheduled', undefined, true);
        return { batchItemFailures: [] };
      } catch (error) {
        deps.metrics.addMetric('RaceCloseFailures', 'Count', 1);
        deps.logger.error('scheduled close failed; retried on the next tick', { error: errorMessage(error) });
        throw error;
      } finally {
        deps.metrics.publishStoredMetrics();
      }
    }
    if (!('Records' in event) || !Array.isArray(event.Records)) {
      throw new UnsupportedEventError(
        'expected a Kinesis batch (Records) or an EventBridge Scheduled Event (source "aws.events")',
      );
    }
    const records = event.Records;
    const shardId = records.map(shardIdOf).find((s) => s !== undefined) ?? 'unknown-shard';
    try {
      const arrivals = new Map<string, number>();
      for (const rec of records) {
        const arrival = rec.kinesis.approximateArrivalTimestamp;
        if (typeof arrival === 'number') arrivals.set(rec.kinesis.sequenceNumber, arrival * 1000);
      }
      // Busy from here on, up to just before this batch: a long invocation holds closes for its whole run.
      const firstArrival = Math.min(...arrivals.values());
      if (Number.isFinite(firstArrival)) {
        await recordPosition({ shardId, position: firstArrival - 1, seenAt: deps.clock.now(), busy: true });
      }
      const valid: ArrivedRecord[] = [];
      const malformed = [];
      for (const rec of records) {
        const d = decodeTelemetry(rec, deps.raceSeconds);
        const arrivalMillis = arrivals.get(rec.kinesis.sequenceNumber) ?? Number.NaN;
        if (d.ok) valid.push({ sequenceNumber: rec.kinesis.sequenceNumber, record: d.record, arrivalMillis });
        else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
      }
      deps.metrics.addMetric('RecordsReceived', 'Count', records.length);
      if (malformed.length > 0) {
        deps.metrics.addMetric('MalformedRecords', 'Count', malformed.length);
        deps.logger.warn('dropped malformed telemetry records', {
          shardId,
          count: malformed.length,
          sample: malformed.slice(0, 3),
        });
      }

      const failed = new Map<string, Error>();
      await markRaces(valid, failed);
      const judged = judgeFinals(valid, deps.raceSeconds);
      let stored = 0;
      let conflicts = judged.conflicts;
      // A final of a race already closed is refused: its results are final. Only races past their
      // end plus grace can be closed, so only their summaries are looked up (once per race and batch).
      const due = judged.candidates.filter((c) => isDue(c.final.raceId));
      let closed = new Set<string>();
      try {
        closed = await closedRaces(due.map((c) => c.final));
      } catch (error) {
        // Not known whether closed: those finals are reported failed and come again.
        for (const c of due) for (const s of c.sequenceNumbers) failed.set(s, toError(error));
      }
      const open = judged.candidates.filter(
        (c) => !closed.has(`${c.final.classId}:${c.final.raceId}`) && !c.sequenceNumbers.some((s) => failed.has(s)),
      );
      const late = judged.candidates.filter((c) => closed.has(`${c.final.classId}:${c.final.raceId}`)).length;
      // A full race's results hold only the riders it admitted.
      const gate = await admittedFinals(deps.ddb, deps.tableName, open, (c) => c.final, deps.sleep);
      for (const { final, error } of gate.unknown) for (const s of final.sequenceNumbers) failed.set(s, error);
      if (gate.refused.length > 0) {
        deps.metrics.addMetric('FinalsNotAdmitted', 'Count', gate.refused.length);
        deps.logger.warn('finals of riders their full race did not admit: dropped', {
          shardId,
          count: gate.refused.length,
          sample: gate.refused.slice(0, 3).map((c) => c.final.racerId),
        });
      }
      await storeFinals(deps.ddb, deps.tableName, gate.admitted, deps.clock.now(), (c, outcome) => {
        if (outcome === 'stored') stored += 1;
        else if (outcome === 'conflict') conflicts += 1;
        else if (outcome instanceof Error) for (const s of c.sequenceNumbers) failed.set(s, outcome);
      });
      deps.metrics.addMetric('FinalsStored', 'Count', stored);
      deps.metrics.addMetric('FinalsRefused', 'Count', judged.refused);
      deps.metrics.addMetric('LateFinalsRefused', 'Count', late);
      deps.metrics.addMetric('ConflictingFinals', 'Count', conflicts);
      if (failed.size > 0) {
        deps.logger.error('records not stored; reported as batch item failures', {
          shardId,
          count: failed.size,
          error: [...failed.values()][0]?.message,
        });
      }

      const response = await processPartialResponse(
        event,
        async (rec: KinesisEventRecord) => {
          const error = failed.get(rec.kinesis.sequenceNumber);
          if (error !== undefined) throw new RecordNotStoredError('result or race marker not stored', { cause: error });
        },
        new BatchProcessor(EventType.KinesisDataStreams),
        { throwOnFullBatchFailure: false },
      );

      // Processed up to the batch's newest arrival, or to just before its first failed record (retried from there).
      const failedArrivals = response.batchItemFailures.map((f) => arrivals.get(f.itemIdentifier) ?? Number.NaN);
      const position =
        failedArrivals.length > 0
          ? Math.min(...failedArrivals) - 1
          : arrivals.size > 0
          ? Math.max(...arrivals.values())
          : Number.NaN;
      const own = Number.isFinite(position) ? { shardId, position, seenAt: deps.clock.now(), busy: false } : undefined;
      if (own !== undefined) await recordPosition(own);
      try {
        await closeDue(shardId, own);
      } catch (error) {
        // The markers stay, so the next invocation tries again; the records
        // of this batch are stored and must not be re-delivered for this.
        deps.metrics.addMetric('RaceCloseFailures', 'Count', 1);
        deps.logger.error('closing races failed; retried on the next invocation', {
          shardId,
          error: errorMessage(error),
        });
        lastCloseCheck = Number.NEGATIVE_INFINITY;
      }
      return { batchItemFailures: response.batchItemFailures.map((f) => ({ itemIdentifier: f.itemIdentifier })) };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
