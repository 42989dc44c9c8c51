/**
 * The page's only way to the backend. The typed SDK (client/) plugs in
 * behind it (see sdkApi.ts); components depend on this interface so they can
 * be rendered in tests with recorded data and no network.
 */
import type {
  AllTimeEntry,
  AllTimeOrder,
  ConnectionState,
  LiveView,
  Page,
  Race,
  RaceClass,
  RaceResult,
  RacerStats,
  TelemetryInput,
  TelemetryReceipt,
} from './types.js';

/** Callbacks of a live subscription. */
export interface LiveObserver<T> {
  next(value: T): void;
  error(error: Error): void;
}

/** A raw GraphQL result, for the explorer. */
export interface RawResult {
  data?: unknown;
  errors?: unknown[];
}

export interface Api {
  raceClasses(): Promise<RaceClass[]>;
  currentRace(classId: number): Promise<Race>;
  race(classId: number, raceId: number): Promise<Race>;
  races(classId: number, limit?: number, nextToken?: string | null): Promise<Page<Race>>;
  /** A page of results; `around` starts it at that rider (not together with nextToken). */
  raceResults(
    classId: number,
    raceId: number,
    limit?: number,
    nextToken?: string | null,
    around?: string | null,
  ): Promise<Page<RaceResult>>;
  /**
   * Follows a class's live board: the top of the field and, given a rider, their band and standing
   * (at most two bands subscribed, never the complete board). Calls `next` with the whole view on
   * every change, the first time once the first paint is read; returns the stop function.
   */
  followLiveBoard(classId: number, racerId: string | null, observer: LiveObserver<LiveView>): () => void;
  allTimeRankings(
    classId: number,
    by: AllTimeOrder,
    limit?: number,
    nextToken?: string | null,
    around?: string | null,
  ): Promise<Page<AllTimeEntry>>;
  racer(racerId: string): Promise<RacerStats | null>;
  /** Sends the signed-in rider's records, authorized by their user-pool ID token. */
  recordTelemetry(records: TelemetryInput[], idToken: string): Promise<TelemetryReceipt>;
  /** Calls the listener now and on every change of the real-time connection. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** Any query or mutation as text (explorer); `apiKey` overrides the configured key. */
  executeRaw(
    query: string,
    variables: Record<string, unknown> | undefined,
    operationName?: string | null,
    apiKey?: string,
  ): Promise<RawResult>;
  /** Any subscription as text over the SDK's real-time transport (explorer). */
  subscribeRaw(
    query: string,
    variables: Record<string, unknown> | undefined,
    observer: LiveObserver<RawResult>,
    apiKey?: string,
  ): () => void;
}
