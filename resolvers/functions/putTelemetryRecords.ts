/**
 * Pipeline function of Mutation.recordTelemetry (HTTP data source pointed at
 * the Kinesis API): sends the PutRecords request the resolver's request built
 * (ctx.stash.putRecords) once the admission check has passed; the resolver's
 * response reads Kinesis's answer.
 */
import type { Context, HTTPRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';

export function request(ctx: Context): HTTPRequest<string> {
  return ctx.stash.putRecords as HTTPRequest<string>;
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  return ctx.result;
}
