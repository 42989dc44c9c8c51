/**
 * AppSync does not raise data-source errors by itself: they arrive as
 * ctx.error in the response handler, and a handler that ignores them returns
 * null without an error. Every response handler calls this.
 */
import { util, type Context } from '@aws-appsync/utils';

/** Raises the data source's error (e.g. DynamoDB:ValidationException) as the field's error. */
export function raiseDataSourceError(ctx: Context): void {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
}
