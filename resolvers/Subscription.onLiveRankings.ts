/**
 * Subscription.onLiveRankings (NONE data source): runs once when a client
 * subscribes. Refuses a classId outside the catalog; otherwise returns null,
 * as AppSync requires of subscription resolvers, and AppSync's argument
 * filtering delivers only publishLiveRankings results of that classId.
 */
import type { Context, NONERequest } from '@aws-appsync/utils';
import type { SubscriptionOnLiveRankingsArgs } from '../core/generated/schema.js';
import { requireClassId } from './lib/validation.js';

export function request(_ctx: Context<SubscriptionOnLiveRankingsArgs>): NONERequest {
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnLiveRankingsArgs>): null {
  requireClassId(ctx.args.classId, 'classId');
  return null;
}
