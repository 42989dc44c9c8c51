/**
 * The local stack's scheduled close (what the CDK stack's EventBridge rule
 * does): a timer invoking the finalizer with a Scheduled Event. Here with the
 * real finalizer against DynamoDB Local, a short interval, and no telemetry
 * flowing after the race ended.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { createFinalizer, isScheduledEvent } from '../../functions/finalizer/finalizer.js';
import { openRaceKey, raceKey, resultKey } from '../../core/keys.js';
import { raceEndMillis } from '../../core/raceClock.js';
import { CLOSE_SCHEDULE } from '../../infra/settings.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/credentials.js';
import type { LambdaHandler } from '../../local/esm/eventSourceMapping.js';
import {
  closeScheduleIntervalMs,
  scheduledEvent,
  startCloseSchedule,
  type CloseSchedule,
} from '../../local/stack/closeSchedule.js';
import { kinesisEvent, telemetry } from '../functions/factories.js';
import { recordingLogger, recordingMetrics } from '../functions/fakes.js';
import { documentClient, manualClock, noSleep } from '../functions/support.js';
import { sleep, until } from '../support/eventually.js';
import { createTestTable } from '../support/resources.js';

const RS = 300;
const GRACE = 15;

let schedule: CloseSchedule | undefined;
afterEach(async () => {
  await schedule?.stop();
  schedule = undefined;
});

describe('the local scheduled close', () => {
  it('runs at the rate of the settings, sending the Scheduled Event EventBridge sends', () => {
    expect(closeScheduleIntervalMs()).toBe(CLOSE_SCHEDULE.rateMinutes * 60_000);
    const event = scheduledEvent(Date.UTC(2026, 10, 23, 5, 0, 0, 123), LOCAL_REGION, LOCAL_ACCOUNT_ID);
    expect(isScheduledEvent(event)).toBe(true);
    expect(event).toMatchObject({
      version: '0',
      account: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      time: '2026-11-23T05:00:00Z',
      resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/alleycat-close-schedule`],
      detail: {},
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('closes a race that ended while no telemetry flows: not-finished results from the live data, then the summary', async () => {
    // Prepare: a race whose riders were read by the finalizer while it ran; none sent a final; nothing flows after.
    const endpoint = inject('dynamodbEndpoint');
    const { tableName } = await createTestTable(endpoint);
    const ddb = documentClient(endpoint);
    const classId = 3;
    const raceId = 6_200_000;
    const during = raceId * RS * 1000 + 250_000;
    await writeLivePart(
      ddb,
      tableName,
      { classId, raceId, shardId: 's0' },
      { q: { output: 61.5, second: 250, name: 'Quin' }, z: { output: 33, second: 120 } },
      new Date(during).toISOString(),
    );
    const clock = manualClock(during);
    const finalizer = createFinalizer({
      ddb,
      tableName,
      raceSeconds: RS,
      graceSeconds: GRACE,
      logger: recordingLogger(),
      metrics: recordingMetrics(),
      clock,
      sleep: noSleep,
      closeCheckIntervalMs: 0,
    });
    await finalizer(
      kinesisEvent([telemetry({ raceId, classId, racerId: 'q', name: 'Quin', second: 250, output: 61.5 })], {
        arrivalSeconds: during / 1000,
      }),
    );
    const events: unknown[] = [];
    const handler = (async (event: unknown) => {
      events.push(event);
      return finalizer(event as never);
    }) as unknown as LambdaHandler;

    // Act: the schedule runs every 100 ms; the race ends; later its end plus grace and the quiet period pass.
    schedule = startCloseSchedule({
      handler,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      intervalMs: 100,
      log: () => undefined,
    });
    await until(() => schedule!.ticks.invoked >= 2, 5000);
    expect(await ddb.send(new GetCommand({ TableName: tableName, Key: raceKey(classId, raceId) }))).not.toHaveProperty(
      'Item',
    );
    clock.set(raceEndMillis(raceId, RS) + GRACE * 1000 + 60_000);
    const get = async (key: { PK: string; SK: string }) =>
      (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    // The close writes the summary, then deletes the OpenRace marker (closeRace.ts): wait for both.
    await until(
      async () =>
        (await get(raceKey(classId, raceId))) !== undefined && (await get(openRaceKey(classId, raceId))) === undefined,
      10_000,
    );

    // Assess
    expect(await get(raceKey(classId, raceId))).toMatchObject({
      competitors: 2,
      finishers: 0,
      winnerRacerId: 'q',
      winnerName: 'Quin',
      bestOutput: 61.5,
    });
    expect(await get(resultKey(classId, raceId, 'z'))).toMatchObject({
      finished: false,
      output: 33,
      lastSecond: 120,
    });
    expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every(isScheduledEvent)).toBe(true);
    expect(schedule.ticks.failed).toBe(0);
  });

  it('retries a failed tick, logs it once its retries fail too, keeps ticking; a tick while one runs is skipped', async () => {
    const lines: string[] = [];
    let calls = 0;
    let release: () => void = () => undefined;
    const failures = 1 + CLOSE_SCHEDULE.retryAttempts;
    const handler = (async () => {
      calls += 1;
      // The first tick fails with every retry; the second tick's first attempt fails, its retry succeeds.
      if (calls <= failures + 1) throw new Error('DynamoDB unreachable');
      // The next invocation hangs until released: ticks meanwhile are skipped.
      if (calls === failures + 2) await new Promise<void>((r) => (release = r));
      return { batchItemFailures: [] };
    }) as unknown as LambdaHandler;
    schedule = startCloseSchedule({
      handler,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      intervalMs: 30,
      log: (l) => lines.push(l),
    });
    await until(() => schedule!.ticks.skipped >= 2, 5000);
    expect(lines).toEqual([
      `[finalizer] scheduled close failed: DynamoDB unreachable (after ${CLOSE_SCHEDULE.retryAttempts} retries; the next tick tries again)`,
    ]);
    expect(schedule.ticks).toMatchObject({ invoked: 2, failed: 1, retried: CLOSE_SCHEDULE.retryAttempts + 1 });
    release();
    await until(() => calls >= failures + 3, 5000);
    const stopped = schedule;
    await stopped.stop();
    const after = calls;
    await sleep(150);
    expect(calls).toBe(after);
  });
});
