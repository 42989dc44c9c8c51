import { describe, expect, it } from 'vitest';
import { checkTelemetryBatch, kinesisErrorType, telemetryReceipt } from '../../resolvers/lib/telemetryBatch.js';

const record = (over: Record<string, unknown> = {}) => ({
  raceId: 100,
  classId: 2,
  racerId: 'r-1',
  second: 10,
  power: 250,
  output: 2.5,
  event: 'update',
  deviceTimestamp: 1_700_000_000_000,
  ...over,
});

describe('checkTelemetryBatch', () => {
  it('accepts records of the current race and the one just ended, cleaned of unknown fields', () => {
    const check = checkTelemetryBatch([record(), record({ raceId: 99, extra: 'x', name: null })], 300, 100);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.records[1]).toEqual(record({ raceId: 99 }));
  });

  it('reports the first invalid record with its index and field', () => {
    const check = checkTelemetryBatch([record(), record(), record({ power: 3001 }), record({ classId: 99 })], 300, 100);
    expect(check).toEqual({ ok: false, index: 2, field: 'power', message: 'must be a number 0..3000' });
  });

  it('refuses a record of a race that is neither current nor just ended', () => {
    const check = checkTelemetryBatch([record({ raceId: 98 })], 300, 100);
    expect(check.ok ? null : check.field).toBe('raceId');
  });
});

describe('telemetryReceipt', () => {
  it('maps Kinesis results to the receipt in the order sent', () => {
    const body = {
      FailedRecordCount: 1,
      Records: [
        { SequenceNumber: '495', ShardId: 'shardId-000000000001' },
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' },
      ],
    };
    expect(telemetryReceipt(body, [{}, {}])).toEqual({
      accepted: 1,
      failed: 1,
      records: [
        { index: 0, sequenceNumber: '495', shardId: 'shardId-000000000001', errorCode: null, errorMessage: null },
        {
          index: 1,
          sequenceNumber: null,
          shardId: null,
          errorCode: 'ProvisionedThroughputExceededException',
          errorMessage: 'Rate exceeded for shard',
        },
      ],
    });
  });

  it('counts a record Kinesis did not answer for as failed', () => {
    const receipt = telemetryReceipt({ Records: [] }, [{}]);
    expect(receipt.failed).toBe(1);
    expect(receipt.records[0]?.errorCode).toBe('MissingResult');
  });

  it('names the exception of a Kinesis error body', () => {
    expect(kinesisErrorType({ __type: 'ResourceNotFoundException', message: 'x' })).toBe('ResourceNotFoundException');
    expect(kinesisErrorType({ __type: 'com.amazonaws.kinesis#ValidationException' })).toBe('ValidationException');
    expect(kinesisErrorType(null)).toBe('UnknownError');
  });
});
