/**
 * Query.raceClasses (NONE data source): the catalog of core/raceClasses.ts,
 * the one place it lives.
 */
import type { Context, NONERequest } from '@aws-appsync/utils';
import { RACE_CLASSES } from '../core/raceClasses.js';
import type { RaceClass } from '../core/generated/schema.js';
import { raiseDataSourceError } from './lib/dataSource.js';

export function request(_ctx: Context): NONERequest {
  const classes: RaceClass[] = [];
  for (const c of RACE_CLASSES) classes.push({ classId: c.classId, name: c.name, description: c.description });
  return { payload: classes };
}

export function response(ctx: Context): RaceClass[] {
  raiseDataSourceError(ctx);
  return ctx.result as RaceClass[];
}
