/**
 * AWS's refusal of a call its caller's policies do not allow, as the
 * JSON-protocol services (DynamoDB, Kinesis) send it: HTTP 400,
 * `__type` AccessDeniedException, and the message naming the caller, the
 * action, the resource and why.
 */
import type { Decision } from './policyDocument.js';

export interface DeniedCall {
  readonly callerArn: string;
  readonly action: string;
  readonly resource: string;
  readonly decision: Exclude<Decision, 'allowed'>;
}

/** The message AWS gives for an implicit or explicit deny by an identity-based policy. */
export function accessDeniedMessage(d: DeniedCall): string {
  const why =
    d.decision === 'explicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${d.action} action`;
  return `User: ${d.callerArn} is not authorized to perform: ${d.action} on resource: ${d.resource} ${why}`;
}

/** The response body (awsJson1.0 / 1.1 error shape). */
export function accessDeniedBody(d: DeniedCall): string {
  return JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: accessDeniedMessage(d) });
}
