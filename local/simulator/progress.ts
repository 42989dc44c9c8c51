/** The simulator's progress: counters and the one-line display. */
export interface Progress {
  /** Current race per class. */
  races: Array<{ classId: number; raceId: number; second: number }>;
  riders: number;
  /** Records accepted over the last second. */
  recordsPerSecond: number;
  sent: number;
  failed: number;
  retried: number;
  lastError?: string;
}

/** One line: `race 5678901 s 42/300 · 6 classes · 6000 riders · 5987 rec/s · sent 1.2M · failed 0`. */
export function formatProgress(p: Progress, raceSeconds: number): string {
  const first = p.races[0];
  const race = first === undefined ? 'race -' : `race ${first.raceId} s ${first.second}/${raceSeconds}`;
  const parts = [
    race,
    `${p.races.length} class${p.races.length === 1 ? '' : 'es'}`,
    `${p.riders} riders`,
    `${Math.round(p.recordsPerSecond)} rec/s`,
    `sent ${p.sent}`,
    `failed ${p.failed}`,
  ];
  if (p.retried > 0) parts.push(`retried ${p.retried}`);
  if (p.failed > 0 && p.lastError) parts.push(`last error: ${p.lastError.slice(0, 80)}`);
  return parts.join(' · ');
}
