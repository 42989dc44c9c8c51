/**
 * Query.racer (pipeline): everything known about one rider.
 *
 *   request                         -> validate racerId (^[A-Za-z0-9_-]{1,64}$)
 *   functions/getRacerClassStats    -> AllTime items, one per class raced
 *   functions/getRacerRecentResults -> the 20 newest Result items (GSI2)
 *   response                        -> RacerStats, or null if the rider has none
 */
import type { Context } from '@aws-appsync/utils';
import { isRacerId } from '../core/telemetry.js';
import type { QueryRacerArgs, RacerClassStats, RacerResult, RacerStats } from '../core/generated/schema.js';
import { allTimeStatsOf, type AllTimeItem } from '../core/allTimeItem.js';
import type { ResultItem } from '../core/resultItem.js';
import { invalid } from './lib/validation.js';
import type { RankedClassSource } from './lib/allTimeRank.js';

export function request(ctx: Context<QueryRacerArgs>): Record<string, never> {
  if (!isRacerId(ctx.args.racerId)) invalid('racerId', 'must match ^[A-Za-z0-9_-]{1,64}$');
  ctx.stash.racerId = ctx.args.racerId;
  ctx.stash.classStats = [];
  ctx.stash.recentResults = [];
  return {};
}

export function response(ctx: Context<QueryRacerArgs>): RacerStats | null {
  const stats = (ctx.stash.classStats ?? []) as AllTimeItem[];
  const results = (ctx.stash.recentResults ?? []) as ResultItem[];
  if (stats.length === 0 && results.length === 0) return null;
  // The latest display name: from the newest result, else from the class
  // the rider raced most recently.
  let name: string | null = null;
  let nameRace = -1;
  const classes: RacerClassStats[] = [];
  for (const s of stats) {
    // The sort keys ride along for the rank fields' own resolvers (RacerClassStats.bestRank, totalRank).
    const entry: RacerClassStats & RankedClassSource = { ...allTimeStatsOf(s), GSI1SK: s.GSI1SK, GSI2SK: s.GSI2SK };
    classes.push(entry);
    if (typeof s.name === 'string' && s.lastRaceId > nameRace) {
      name = s.name;
      nameRace = s.lastRaceId;
    }
  }
  const recentResults: RacerResult[] = [];
  for (const r of results) {
    recentResults.push({
      classId: r.classId,
      raceId: r.raceId,
      output: r.output,
      finished: r.finished === true,
      rank: typeof r.rank === 'number' ? r.rank : null,
    });
    if (typeof r.name === 'string' && r.raceId >= nameRace) {
      name = r.name;
      nameRace = r.raceId;
    }
  }
  return { racerId: ctx.args.racerId, name, classes, recentResults };
}
