/**
 * AppSync GraphQL list prices, the one place they live. Read on the date
 * below from AWS's pricing page for US East (N. Virginia), on-demand, without
 * the free tier and without data transfer (charged at EC2 rates, not counted
 * here). Prices change: read the page again and change the date with them.
 *
 * What each unit is (same page): query and data modification operations are
 * billed per request; real-time updates per million, where outbound messages
 * broadcast to clients count in 5 KB increments and WebSocket operations such
 * as client connections count too; connection-minutes per million minutes a
 * client stays connected. The local runtime meters exactly these units
 * (local/appsync/metering/usageMeter.ts).
 */
import type { AppSyncPrices } from '../contract/opsCost.js';

export const APPSYNC_PRICES: AppSyncPrices = {
  readOn: '2026-12-07',
  region: 'us-east-1',
  source: 'https://aws.amazon.com/appsync/pricing/',
  currency: 'USD',
  requestsPerMillion: 4.0,
  realtimeUpdatesPerMillion: 2.0,
  connectionMinutesPerMillion: 0.08,
};
