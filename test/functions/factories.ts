/** Event factories for the pipeline functions' tests (Powertools-style). */
import type { KinesisEventRecord } from '../../functions/runtime/kinesisRecord.js';
import type { TumblingWindowEvent } from '../../functions/aggregator/aggregator.js';

export interface TelemetryFields {
  raceId: number;
  classId: number;
  racerId: string;
  name?: string;
  second: number;
  power?: number;
  output: number;
  event?: 'update' | 'final';
  deviceTimestamp?: number;
}

/**
 * A valid telemetry object with sensible defaults. The default power is the
 * ceiling (3,000 W), so that fixtures written as (second, output) pairs of up
 * to 3 kJ per second keep the fair-play power rule (core/fairPlay.ts).
 */
export function telemetry(f: TelemetryFields): Record<string, unknown> {
  return {
    power: 3000,
    event: 'update',
    deviceTimestamp: f.raceId * 300_000 + f.second * 1000,
    ...f,
  };
}

let seq = 0;

/** One Kinesis event record carrying `payload` (an object is JSON-encoded, a string is sent as is). */
export function kinesisRecord(
  payload: unknown,
  opts: { shardId?: string; arrivalSeconds?: number; sequenceNumber?: string } = {},
): KinesisEventRecord & { eventSourceARN: string } {
  seq += 1;
  const sequenceNumber = opts.sequenceNumber ?? `4959${String(seq).padStart(20, '0')}`;
  const shardId = opts.shardId ?? 'shardId-000000000000';
  const data = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8').toString('base64');
  return {
    eventID: `${shardId}:${sequenceNumber}`,
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/alleycat-telemetry',
    kinesis: {
      data,
      sequenceNumber,
      partitionKey:
        typeof payload === 'object' && payload !== null ? String((payload as { racerId?: unknown }).racerId) : 'x',
      ...(opts.arrivalSeconds === undefined ? {} : { approximateArrivalTimestamp: opts.arrivalSeconds }),
    },
  };
}

/** A Kinesis event (plain, as the finalizer receives it). */
export function kinesisEvent(
  payloads: unknown[],
  opts: { shardId?: string; arrivalSeconds?: number } = {},
): {
  Records: Array<KinesisEventRecord & { eventSourceARN: string }>;
} {
  return { Records: payloads.map((p) => kinesisRecord(p, opts)) };
}

/** A tumbling-window event for the aggregator. */
export function windowEvent(
  payloads: unknown[],
  opts: { shardId?: string; state?: unknown; final?: boolean; windowEnd?: number; arrivalSeconds?: number } = {},
): TumblingWindowEvent {
  const end = opts.windowEnd ?? 1_700_000_005_000;
  return {
    ...kinesisEvent(payloads, opts),
    window: { start: new Date(end - 5000).toISOString(), end: new Date(end).toISOString() },
    state: opts.state ?? {},
    isFinalInvokeForWindow: opts.final ?? false,
    isWindowTerminatedEarly: false,
    shardId: opts.shardId ?? 'shardId-000000000000',
  };
}

/** A DynamoDB Streams record (NEW_IMAGE view) of `image`, already in attribute-value form. */
export function dynamodbStreamRecord(
  image: Record<string, unknown>,
  opts: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; sequenceNumber?: string } = {},
): {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventSource: string;
  eventSourceARN: string;
  dynamodb: {
    Keys: Record<string, unknown>;
    NewImage: Record<string, unknown>;
    SequenceNumber: string;
    StreamViewType: string;
  };
} {
  seq += 1;
  return {
    eventID: `ev-${seq}`,
    eventName: opts.eventName ?? 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/alleycat/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      Keys: { PK: image.PK, SK: image.SK },
      NewImage: image,
      SequenceNumber: opts.sequenceNumber ?? String(1000 + seq),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
