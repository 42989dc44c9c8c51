/** The window state's riders of one race, in the LivePart's form (core/livePart.ts). */
import { riderMapKey, SCORE_SCALE } from '../../core/keys.js';
import type { LiveRider, LiveRiders } from '../../core/livePart.js';
import type { RaceRiders } from './windowState.js';

export function toLiveRiders(riders: RaceRiders): LiveRiders {
  const out: LiveRiders = {};
  for (const [racerId, t] of Object.entries(riders)) {
    const r: LiveRider =
      t[2] === undefined
        ? { output: t[1] / SCORE_SCALE, second: t[0] }
        : { output: t[1] / SCORE_SCALE, second: t[0], name: t[2] };
    out[riderMapKey(racerId)] = r;
  }
  return out;
}
