/**
 * The `util` global of APPSYNC_JS [DOC built-in-util-js, TYPES @aws-appsync/utils 2.1.1].
 * Helpers that need request state (errors, auth type, clock) read the current invocation.
 */
import { currentInvocation, UtilErrorSignal, type InvocationHolder } from '../runtime/invocation.js';
import { createDynamoDbUtil } from './typedValues.js';
import { buildFilterExpression } from './expressions.js';
import { toSubscriptionFilter } from './subscriptionFilter.js';
import { createTimeUtil } from './time.js';
import { autoId, autoKsuid, autoUlid } from './ids.js';
import { base64Decode, base64Encode, escapeJavaScript, matches, normalize, urlDecode, urlEncode } from './encoding.js';

function optionalString(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

/** Plain host copy of error data coming from resolver code. */
function detach(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export function createUtil(holder: InvocationHolder): Record<string, unknown> {
  const now = (): number => currentInvocation(holder).now();
  const filterObject = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return {
    escapeJavaScript,
    urlEncode,
    urlDecode,
    base64Encode,
    base64Decode,
    autoId,
    autoUlid: () => autoUlid(now()),
    autoKsuid: () => autoKsuid(now()),
    unauthorized(): never {
      throw new UtilErrorSignal('Unauthorized', 'Unauthorized', null, null, true);
    },
    error(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): never {
      throw new UtilErrorSignal(String(message), optionalString(errorType), detach(data), detach(errorInfo));
    },
    appendError(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void {
      currentInvocation(holder).errors.push({
        message: String(message),
        errorType: optionalString(errorType),
        data: detach(data),
        errorInfo: detach(errorInfo),
      });
    },
    matches: (pattern: string, value: string) => matches(pattern, value),
    authType: () => currentInvocation(holder).authType,
    time: createTimeUtil(now),
    dynamodb: createDynamoDbUtil(),
    transform: {
      toDynamoDBFilterExpression: (f: unknown) => JSON.stringify(buildFilterExpression(filterObject(f))),
      toDynamoDBConditionExpression: (f: unknown) => JSON.stringify(buildFilterExpression(filterObject(f))),
      toSubscriptionFilter,
    },
    str: { normalize },
    math: {
      roundNum: (n: number) => Math.round(n),
      minVal: (a: number, b: number) => Math.min(a, b),
      maxVal: (a: number, b: number) => Math.max(a, b),
      randomDouble: () => Math.random(),
      randomWithinRange: (start: number, end: number) => Math.floor(start + Math.random() * (end - start)),
    },
    http: {
      copyHeaders: (headers: unknown) => ({ ...filterObject(headers) }),
      addResponseHeader: () => undefined,
      addResponseHeaders: () => undefined,
    },
  };
}
