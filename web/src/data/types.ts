/**
 * The shapes the web app reads, as selected by the SDK's operations
 * (client/operations/*.graphql). Kept structural so the SDK's generated
 * result types plug in without conversion.
 */
import type { AllTimeStats } from '../../../core/allTimeItem.js';
import type {
  AroundMeNeighbour,
  AroundMeStanding,
  ConnectionState as SdkConnectionState,
} from '../../../client/index.js';

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

/** One rider of a live band (a band holds 50 positions of the ranking). */
export interface LiveBandEntry {
  rank: number;
  racerId: string;
  name?: string | null;
  output: number;
  second: number;
}

/** Band b of a live board: positions 50b+1 … 50b+50; band 0 is the top of the field. */
export interface LiveBand {
  classId: number;
  raceId: number;
  updatedAt: string;
  band: number;
  totalRiders: number;
  entries: LiveBandEntry[];
}

/** The rider just ahead of or behind the followed one, as the SDK's followLiveBoard finds it. */
export type LiveNeighbour = AroundMeNeighbour;

/** Where the followed rider stands in a race, as the SDK's followLiveBoard works it out. */
export type LiveStanding = AroundMeStanding;

/** What a viewer of a class sees live: the top band, the followed rider's band and their standing. */
export interface LiveView {
  top: LiveBand | null;
  mine: LiveBand | null;
  standing: LiveStanding | null;
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

export interface AllTimeEntry extends AllTimeStats {
  rank: number;
  racerId: string;
  name?: string | null;
}

export interface RacerClassStats extends AllTimeStats {
  /** All-time ranks in the class by personal best and by total output (null: too far down to count). */
  bestRank?: number | null;
  totalRank?: number | null;
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
  /** The page just above this one, for rankings (passed as nextToken); null when this page starts at the top. */
  previousToken?: string | null;
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

/** The real-time connection as the page shows it (the SDK's states). */
export type ConnectionState = SdkConnectionState;
