import { raceIdAt } from '../../core/raceClock.js';

/** The part of a Lambda Kinesis event record the functions read. */
export interface KinesisEventRecord {
  eventID?: string;
  eventSourceARN?: string;
  kinesis: {
    data: string;
    sequenceNumber: string;
    partitionKey?: string;
    approximateArrivalTimestamp?: number;
  };
}

/**
 * The shard a record came from. Lambda's Kinesis records carry
 * `eventID = "<shardId>:<sequenceNumber>"`.
 */
export function shardIdOf(rec: KinesisEventRecord): string | undefined {
  const id = rec.eventID;
  if (typeof id !== 'string') return undefined;
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : undefined;
}

/** The current race slot of a record from its arrival time (seconds, as Lambda delivers it), as decodeTelemetry computes it. */
export function currentRaceIdOf(arrival: unknown, raceSeconds: number): number | undefined {
  return typeof arrival === 'number' ? raceIdAt(arrival * 1000, raceSeconds) : undefined;
}
