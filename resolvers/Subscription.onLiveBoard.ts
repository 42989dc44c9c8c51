/**
 * Subscription.onLiveBoard (NONE data source): runs once when a client
 * subscribes. Refuses a classId outside the catalog and more than 5 bands
 * (an enhanced filter's `in` takes at most 5 values); otherwise sets the
 * enhanced filter (classId equal, band in the asked bands) so that AppSync
 * delivers only those bands of publishLiveBand, and returns null as AppSync
 * requires of subscription resolvers.
 */
import { extensions, util, type Context, type NONERequest } from '@aws-appsync/utils';
import type { SubscriptionOnLiveBoardArgs } from '../core/generated/schema.js';
import { requireClassId } from './lib/validation.js';
import { requireBands } from './lib/liveBandsArg.js';

export function request(_ctx: Context<SubscriptionOnLiveBoardArgs>): NONERequest {
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnLiveBoardArgs>): null {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const bands = requireBands(ctx.args.bands, 'bands');
  extensions.setSubscriptionFilter(
    util.transform.toSubscriptionFilter({ classId: { eq: classId }, band: { in: bands } }),
  );
  return null;
}
