/**
 * The fair-play check across a window boundary: the window state starts
 * empty each window, so the first record a window applied for a rider was
 * checked against nothing; here, where the stored part is read and merged,
 * it is checked against the rider's newest stored record (core/fairPlay.ts).
 */
import { scoreUnits } from '../../core/keys.js';
import type { LiveRider, LiveRiders } from '../../core/livePart.js';
import { liveRider } from '../../core/livePart.js';
import { ceilingStepFlag, stepFlag } from '../../core/fairPlay.js';
import type { FirstRecords } from './toLiveRiders.js';

export interface CheckedRiders {
  riders: LiveRiders;
  /** Riders whose window progress was refused here. */
  refused: number;
}

/**
 * `incoming` with every rider whose window breaks rule 2 against `stored`
 * replaced by the stored record plus the flag (so the merge keeps the stored
 * progress and adds the flag). The window's first applied record is checked
 * with its power when it is newer than the stored one (the window's later
 * records were checked against it in the fold); when the window overlaps the
 * stored second (late records), its newest is checked against the ceiling.
 */
export function checkAgainstPart(stored: LiveRiders, incoming: LiveRiders, firsts: FirstRecords): CheckedRiders {
  const riders: LiveRiders = {};
  let refused = 0;
  for (const key of Object.keys(incoming)) {
    const inc = incoming[key] as LiveRider;
    riders[key] = inc;
    const old = Object.hasOwn(stored, key) ? stored[key] : undefined;
    const first = Object.hasOwn(firsts, key) ? firsts[key] : undefined;
    if (old === undefined || first === undefined || inc.second < old.second) continue;
    const oldUnits = scoreUnits(old.output);
    const broken =
      first[0] > old.second
        ? stepFlag(old.second, oldUnits, first[0], first[1], first[2])
        : ceilingStepFlag(old.second, oldUnits, inc.second, scoreUnits(inc.output));
    if (broken === 0) continue;
    refused += 1;
    riders[key] = liveRider(old.second, old.output, inc.name ?? old.name, (inc.flags ?? 0) | (old.flags ?? 0) | broken);
  }
  return { riders, refused };
}
