/**
 * Query.currentRace (NONE data source): the race of a class that runs now,
 * from the race clock and the API's RACE_SECONDS. Summary fields
 * stay null: a running race has none.
 */
import { util, type Context, type NONERequest } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { QueryCurrentRaceArgs, Race } from '../core/generated/schema.js';
import { raiseDataSourceError } from './lib/dataSource.js';
import { raceView } from './lib/raceView.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';

export function request(ctx: Context<QueryCurrentRaceArgs>): NONERequest {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const raceSeconds = raceSecondsOf(ctx.env);
  const now = util.time.nowEpochMilliSeconds();
  return { payload: raceView(classId, raceIdAt(now, raceSeconds), raceSeconds, now, null) };
}

export function response(ctx: Context<QueryCurrentRaceArgs>): Race {
  raiseDataSourceError(ctx);
  return ctx.result as Race;
}
