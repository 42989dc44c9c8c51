/** The window state's riders of one race, in the LivePart's form (core/livePart.ts). */
import { riderMapKey, SCORE_SCALE } from '../../core/keys.js';
import type { LiveRiders } from '../../core/livePart.js';
import { liveRider } from '../../core/livePart.js';
import type { FairTuple, RaceChecks, RaceRiders } from './windowState.js';
import { isFairTuple } from './windowState.js';

/** The first record a window applied for a rider: `[second, milli-kJ, power]` (see windowState.ts FairTuple). */
export type FirstRecords = Record<string, [number, number, number]>;

export interface WindowRiders {
  riders: LiveRiders;
  /** By rider map key, for the check against the stored part (checkAgainstPart.ts). */
  firsts: FirstRecords;
}

/**
 * The window's riders with their flags. A rider all of whose records were
 * refused is still written, at second 0 and no output, so that the flag
 * reaches the part (a stored rider keeps its progress: the merge keeps the
 * newer record and adds the flags).
 */
export function toLiveRiders(riders: RaceRiders, checks: RaceChecks = {}): WindowRiders {
  const out: LiveRiders = {};
  const firsts: FirstRecords = {};
  const fairOf = (racerId: string): FairTuple | undefined => {
    const t: unknown = checks[racerId];
    return isFairTuple(t) ? t : undefined;
  };
  for (const [racerId, t] of Object.entries(riders)) {
    const fair = fairOf(racerId);
    const key = riderMapKey(racerId);
    out[key] = liveRider(t[0], t[1] / SCORE_SCALE, t[2], fair === undefined ? 0 : fair[3]);
    if (fair !== undefined && fair[0] >= 0) firsts[key] = [fair[0], fair[1], fair[2]];
  }
  for (const racerId of Object.keys(checks)) {
    const fair = fairOf(racerId);
    if (fair === undefined || fair[3] === 0 || riders[racerId] !== undefined) continue;
    out[riderMapKey(racerId)] = liveRider(0, 0, undefined, fair[3]);
  }
  return { riders: out, firsts };
}
