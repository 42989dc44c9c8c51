/** The window state's riders of one race, in the LivePart item's form. */
import { SCORE_SCALE } from '../../core/keys.js';
import type { LiveRider, LiveRiders } from '../shared/liveRiders.js';
import { emptyRiders } from '../shared/liveRiders.js';
import type { RaceRiders } from './windowState.js';

export function toLiveRiders(riders: RaceRiders): LiveRiders {
  const out = emptyRiders();
  for (const [racerId, t] of Object.entries(riders)) {
    const r: LiveRider = { output: t[1] / SCORE_SCALE, second: t[0] };
    if (t[2] !== undefined) r.name = t[2];
    out[racerId] = r;
  }
  return out;
}
