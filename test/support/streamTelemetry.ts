/**
 * Telemetry put straight on a stack's Kinesis stream, as a trusted producer
 * puts it: through the simulator's sink (local/simulator/kinesisSink.ts:
 * PutRecords in batches of at most 500, several in flight, only the refused
 * records put again), and the test fails unless the stream took every record.
 */
import { expect } from 'vitest';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { kinesisSink } from '../../local/simulator/kinesisSink.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { Endpoints } from '../../local/stack/endpointsFile.js';

export interface StreamTelemetry {
  /** Puts the records on the stream; fails the test unless every one of them was taken. */
  put(records: readonly TelemetryRecord[]): Promise<void>;
  close(): void;
}

/**
 * `attempts` is how often a refused record is put: 1 where the records must be
 * on the stream with the calls made now (a refusal fails the test at once),
 * more where a flood may meet refusals that a retry gets through.
 */
export function streamTelemetry(kinesis: Endpoints['kinesis'], o: { attempts: number }): StreamTelemetry {
  const sink = kinesisSink({
    client: localKinesis(kinesis.endpoint),
    streamName: kinesis.streamName,
    attempts: o.attempts,
  });
  return {
    async put(records) {
      const outcome = await sink.send(records);
      expect(outcome, 'records the stream did not take').toMatchObject({ sent: records.length, failed: 0 });
    },
    close: () => sink.close(),
  };
}
