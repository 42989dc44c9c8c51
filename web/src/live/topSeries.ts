/** The chart series of the live top-10 from a race's observed history. */
import type { ChartSeries } from '../components/LineChart.js';
import type { LiveEntry } from '../data/types.js';
import { displayName } from '../lib/format.js';
import type { RaceHistory } from './raceHistory.js';

/** Ten colours distinguishable on the dark background (and from each other). */
export const PALETTE = [
  '#ffb000',
  '#4dc9ff',
  '#3ddc97',
  '#ff6b9a',
  '#b79cff',
  '#ff8a3d',
  '#7ee0d2',
  '#f2e86d',
  '#9fb3ff',
  '#e0a8ff',
];

export function topSeries(
  history: RaceHistory | undefined,
  entries: readonly LiveEntry[],
  meId: string | null,
  count = 10,
): ChartSeries[] {
  if (!history) return [];
  const chosen = entries.slice(0, count);
  const mine = meId ? entries.find((e) => e.racerId === meId) : undefined;
  if (mine && !chosen.includes(mine)) chosen.push(mine);
  return chosen.map((e, i) => ({
    label: `${e.rank}. ${displayName(e)}`,
    values: history.outputs.get(e.racerId) ?? [],
    color: e.racerId === meId ? '#ffffff' : PALETTE[i % PALETTE.length] ?? '#ffffff',
    width: e.racerId === meId ? 3 : 2,
    dash: e.racerId === meId ? [6, 4] : undefined,
  }));
}
