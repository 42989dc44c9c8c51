/**
 * The shapes the web app reads, as selected by the SDK's operations
 * (client/operations/*.graphql). Kept structural so the SDK's generated
 * result types plug in without conversion.
 */
export type RaceStatus = 'SCHEDULED' | 'RUNNING' | 'FINISHED';
export type AllTimeOrder = 'PERSONAL_BEST' | 'TOTAL_OUTPUT';

export interface RaceClass {
  classId: number;
  name: string;
  description: string;
}

export interface Race {
  classId: number;
  raceId: number;
  startsAt: string;
  endsAt: string;
  status: RaceStatus;
  raceSeconds: number;
  competitors?: number | null;
  finishers?: number | null;
  winnerRacerId?: string | null;
  winnerName?: string | null;
  bestOutput?: number | null;
}

export interface LiveEntry {
  rank: number;
  racerId: string;
  name?: string | null;
  output: number;
  second: number;
  /** Fair-play rules the rider broke (FairPlayRule names); empty for an honest rider. */
  flags?: readonly string[];
}

export interface LiveRankings {
  classId: number;
  raceId: number;
  updatedAt: string;
  entries: LiveEntry[];
}

export interface RaceResult {
  rank: number;
  racerId: string;
  name?: string | null;
  output: number;
  classId: number;
  raceId: number;
  finished: boolean;
  lastSecond: number;
  /** Fair-play rules the rider broke (FairPlayRule names); empty for an honest rider. */
  flags?: readonly string[];
}

export interface AllTimeEntry {
  rank: number;
  racerId: string;
  name?: string | null;
  classId: number;
  bestOutput: number;
  bestRaceId: number;
  racesCompleted: number;
  totalOutput: number;
  lastRaceId: number;
}

export interface RacerClassStats {
  classId: number;
  bestOutput: number;
  bestRaceId: number;
  racesCompleted: number;
  totalOutput: number;
  lastRaceId: number;
}

export interface RacerResult {
  classId: number;
  raceId: number;
  output: number;
  finished: boolean;
}

export interface RacerStats {
  racerId: string;
  name?: string | null;
  classes: RacerClassStats[];
  recentResults: RacerResult[];
}

/** A page of a paginated list (nextToken is null on the last page). */
export interface Page<T> {
  items: T[];
  nextToken?: string | null;
}

export type TelemetryEvent = 'update' | 'final';

/** One telemetry record as recordTelemetry takes it. */
export interface TelemetryInput {
  raceId: number;
  classId: number;
  racerId: string;
  name?: string | null;
  second: number;
  power: number;
  cadence?: number | null;
  resistance?: number | null;
  output: number;
  event: TelemetryEvent;
  deviceTimestamp: number;
}

export interface TelemetryReceipt {
  accepted: number;
  failed: number;
  records: Array<{
    index: number;
    sequenceNumber?: string | null;
    shardId?: string | null;
    errorCode?: string | null;
    errorMessage?: string | null;
  }>;
}

/** The real-time connection as the page shows it. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';
