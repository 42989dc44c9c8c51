/**
 * The function's execution role as Lambda's pollers use it: Lambda reads a
 * Kinesis or DynamoDB stream with the function's role, and
 * CreateEventSourceMapping refuses a role that cannot read the stream, with
 * InvalidParameterValueException (HTTP 400): "Cannot access stream <arn>.
 * Please ensure the role can perform the GetRecords, GetShardIterator,
 * DescribeStream, ListShards, and ListStreams Actions on your stream in IAM."
 * [3P: the message as deployments report it]. The actions required are those
 * Lambda's guide lists as the execution role's permissions for each source
 * [DOC with-kinesis, with-ddb "Execution role permissions"]; enhanced fan-out
 * (SubscribeToShard) is not reproduced, so it is not required.
 *
 * The pollers then make every call with that role, so a policy that changes
 * while the mapping runs is met call by call: a denied read delivers nothing
 * and moves no checkpoint, and the poller retries it (authorizePollerCall).
 */
import { PollerAccessDeniedError, StreamAccessError } from './errors.js';
import type { SourceKind } from './types.js';

/** Whoever defines the role evaluates its policy. */
export interface ExecutionRole {
  allows(action: string, resource: string): boolean;
  /**
   * AWS's AccessDenied message for a call of the role's session that its
   * policy does not allow (undefined: allowed). Evaluated at call time, so a
   * changed policy applies to the next call.
   */
  denial(action: string, resource: string): string | undefined;
}

interface Requirement {
  readonly action: string;
  /** On the stream's ARN, or on every resource (actions without resource-level permissions). */
  readonly on: 'stream' | 'any';
}

export const POLLER_PERMISSIONS: Readonly<Record<SourceKind, readonly Requirement[]>> = {
  kinesis: [
    { action: 'kinesis:DescribeStream', on: 'stream' },
    { action: 'kinesis:DescribeStreamSummary', on: 'stream' },
    { action: 'kinesis:GetRecords', on: 'stream' },
    { action: 'kinesis:GetShardIterator', on: 'stream' },
    { action: 'kinesis:ListShards', on: 'stream' },
  ],
  dynamodb: [
    { action: 'dynamodb:DescribeStream', on: 'stream' },
    { action: 'dynamodb:GetRecords', on: 'stream' },
    { action: 'dynamodb:GetShardIterator', on: 'stream' },
    { action: 'dynamodb:ListStreams', on: 'any' },
  ],
};

/** The actions of `kind` the role is missing on `streamArn` (none: the mapping may be created). */
export function missingPollerPermissions(kind: SourceKind, streamArn: string, role: ExecutionRole): string[] {
  return POLLER_PERMISSIONS[kind]
    .filter((r) => !role.allows(r.action, r.on === 'stream' ? streamArn : '*'))
    .map((r) => r.action);
}

/** Throws Lambda's refusal when the role cannot read the stream. */
export function checkExecutionRole(kind: SourceKind, streamArn: string, role: ExecutionRole): void {
  const missing = missingPollerPermissions(kind, streamArn, role);
  if (missing.length === 0) return;
  throw new StreamAccessError(
    `Cannot access stream ${streamArn}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM.`,
    missing,
  );
}

/**
 * One call a poller makes with the role: returns when the policy allows it,
 * throws the service's AccessDeniedException otherwise. Without a role
 * (mappings started outside the local stack) nothing is checked.
 */
export function authorizePollerCall(role: ExecutionRole | undefined, action: string, resource: string): void {
  const message = role?.denial(action, resource);
  if (message !== undefined) throw new PollerAccessDeniedError(message, action, resource);
}
