/**
 * The real-time URL AWS clients derive from the GraphQL URL: an AppSync
 * default domain (`<id>.appsync-api.<region>.amazonaws.com/graphql`) maps to
 * `<id>.appsync-realtime-api.<region>.amazonaws.com/graphql`; any other host
 * (custom domain, the local stack) gets `/realtime` appended to the path.
 * http becomes ws and https becomes wss.
 */
const APPSYNC_DEFAULT_HOST = /^[a-z0-9]+\.appsync-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i;

/** Derives the real-time endpoint from the GraphQL endpoint. */
export function realtimeUrlFor(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  const secure = url.protocol === 'https:';
  if (APPSYNC_DEFAULT_HOST.test(url.hostname)) {
    url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
  } else {
    url.pathname = `${url.pathname.replace(/\/$/, '')}/realtime`;
  }
  url.protocol = secure ? 'wss:' : 'ws:';
  url.search = '';
  return url.toString();
}
