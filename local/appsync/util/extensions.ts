/**
 * The `extensions` global [DOC extensions-js]: subscription filters set by a
 * subscription resolver, invalidations requested by a mutation. Recorded on the
 * current invocation, where the real-time server reads them.
 */
import { currentInvocation, UtilErrorSignal, type InvocationHolder } from '../runtime/invocation.js';

/** Plain host copy of a value coming from resolver code. */
function detach(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

// "invalidateSubscriptions: 5 unique calls per request" (AppSync quotas).
const MAX_INVALIDATIONS = 5;

export function createExtensions(holder: InvocationHolder): Record<string, unknown> {
  return {
    setSubscriptionFilter(filter: unknown): void {
      currentInvocation(holder).extensions.subscriptionFilter = detach(filter);
    },
    setSubscriptionInvalidationFilter(filter: unknown): void {
      currentInvocation(holder).extensions.invalidationFilter = detach(filter);
    },
    invalidateSubscriptions(obj: unknown): void {
      const record = detach(obj) as { subscriptionField?: unknown; payload?: unknown } | null;
      const list = currentInvocation(holder).extensions.invalidations;
      const entry = { subscriptionField: String(record?.subscriptionField ?? ''), payload: record?.payload ?? {} };
      const key = JSON.stringify(entry);
      if (list.some((x) => JSON.stringify(x) === key)) return;
      if (list.length >= MAX_INVALIDATIONS) {
        throw new UtilErrorSignal(
          'invalidateSubscriptions can be called at most 5 times per request',
          'LimitExceededError',
          null,
          null,
        );
      }
      list.push(entry);
    },
    evictFromApiCache(typeName: string, fieldName: string, keys: unknown): void {
      currentInvocation(holder).extensions.cacheEvictions.push({
        typeName: String(typeName),
        fieldName: String(fieldName),
        keys: detach(keys),
      });
    },
  };
}
