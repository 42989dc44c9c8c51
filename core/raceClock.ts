/**
 * The race clock: races of every class run back to back; the race
 * of a moment is the slot floor(epochMillis / (raceSeconds * 1000)).
 * APPSYNC_JS-safe: resolvers use it too.
 */
export const DEFAULT_RACE_SECONDS = 300;
export const DEFAULT_WINDOW_SECONDS = 5;
/** Seconds after a race's end during which late records are still accepted. */
export const DEFAULT_GRACE_SECONDS = 15;

export function raceIdAt(epochMillis: number, raceSeconds: number): number {
  return Math.floor(epochMillis / (raceSeconds * 1000));
}
export function raceStartMillis(raceId: number, raceSeconds: number): number {
  return raceId * raceSeconds * 1000;
}
export function raceEndMillis(raceId: number, raceSeconds: number): number {
  return (raceId + 1) * raceSeconds * 1000;
}
/** Seconds since the race started, 0..raceSeconds. */
export function raceSecondAt(raceId: number, raceSeconds: number, epochMillis: number): number {
  const s = Math.floor((epochMillis - raceStartMillis(raceId, raceSeconds)) / 1000);
  return Math.max(0, Math.min(raceSeconds, s));
}
export type RaceStatus = 'SCHEDULED' | 'RUNNING' | 'FINISHED';
export function raceStatusAt(raceId: number, raceSeconds: number, epochMillis: number): RaceStatus {
  if (epochMillis < raceStartMillis(raceId, raceSeconds)) return 'SCHEDULED';
  if (epochMillis < raceEndMillis(raceId, raceSeconds)) return 'RUNNING';
  return 'FINISHED';
}
