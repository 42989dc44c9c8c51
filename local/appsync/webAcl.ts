/**
 * A web ACL associated with the API (AWS WAF): asked about every web request
 * to the GraphQL endpoint and every WebSocket handshake of the real-time
 * endpoint, before anything else (WAF rules are evaluated before API keys,
 * IAM and user pools [DOC WAF-Integration]). A blocked request gets HTTP 403
 * and AppSync's error body for it. AWS's developer guide does not print that
 * body; clients of AppSync APIs behind WAF report
 * `{"errors":[{"errorType":"WAFForbiddenException","message":"403 Forbidden"}]}` [3P].
 * Frames on an open WebSocket are not web requests: WAF does not see them.
 */

export interface WebAcl {
  /** Counts one request from `sourceIp` and says whether it may pass. */
  admit(sourceIp: string): boolean;
}

export const WAF_FORBIDDEN_STATUS = 403;

export const WAF_FORBIDDEN_BODY = {
  errors: [{ errorType: 'WAFForbiddenException', message: '403 Forbidden' }],
} as const;

/** The client address as WAF aggregates it: an IPv4 client of a dual-stack socket is its IPv4 address. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
}
