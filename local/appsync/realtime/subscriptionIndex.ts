/**
 * The registry of live subscriptions and the fan-out of mutation events.
 * Subscriptions with the same field, query, variables and filters form one
 * group. A published event is matched against the groups its values can
 * match (candidateIndex.ts) and filtered once per group; it is executed and
 * serialized once per selection (query, variables, auth mode) among the
 * groups that match, and the encoded bytes are shared by every subscriber.
 * A projected payload (eventProjection.ts) does not depend on the
 * subscription's variables, so groups that differ only in them (a viewer's
 * own band) share one encoding of the event.
 */
import { executeSync, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { AuthMode, MutationEvent } from './backend.js';
import { compileEventProjection, type EventProjection } from './eventProjection.js';
import { argumentsMatch, filterMatches, stableStringify, type SubscriptionFilter } from './filters.js';
import { createCandidateIndex, lookupsOfArguments, lookupsOfFilter, type CandidateIndex } from './candidateIndex.js';
import type { PreparedSubscription } from './prepareSubscription.js';
import type { SubscriptionLinks } from './schemaLinks.js';
import type { SubscriptionMeter, UsageMeter } from '../metering/usageMeter.js';
import { subscriptionKey } from '../metering/meterKeys.js';

/** Whoever owns a subscription (a connection) and can receive its events. */
export interface SubscriptionOwner {
  /** Delivers one encoded `data` message: `head` (per subscription) + `body` (per group). */
  deliver(subscription: Subscription, body: Uint8Array): void;
  /** The subscription was invalidated by a mutation (`invalidateSubscriptions`). */
  invalidated(subscription: Subscription): void;
}

/** One registered subscription (one `start` id on one connection). */
export interface Subscription {
  id: string;
  owner: SubscriptionOwner;
  group: SubscriptionGroup;
  /** `{"type":"data","id":"<id>","payload":` encoded once. */
  head: Uint8Array;
}

/** Subscriptions that receive byte-identical payloads. */
export interface SubscriptionGroup {
  key: string;
  /** What the payload depends on (auth mode, query, operation, variables): groups with one shape get the same bytes. */
  shape: string;
  prepared: PreparedSubscription;
  /** Auth mode of the subscribers: it decides which fields they may read. */
  authMode: AuthMode;
  /** The resolver's enhanced filter; when absent the subscription's arguments filter. */
  filter: SubscriptionFilter | undefined;
  invalidationFilter: SubscriptionFilter | undefined;
  members: Set<Subscription>;
  /** The selection set compiled for plain shapes (eventProjection.ts); otherwise graphql-js executes. */
  projection: EventProjection | undefined;
  /** With a projection: what its payload depends on (auth mode, query, operation), shared across variables. */
  projectedShape: string | undefined;
  /** The usage counter of the group's field and arguments, when the server meters. */
  meter: SubscriptionMeter | undefined;
}

/** What a publish did, for logs, tests and benchmarks. */
export interface PublishReport {
  groupsMatched: number;
  delivered: number;
  /** Groups whose payload was over the event size limit and was dropped. */
  oversized: number;
  invalidated: number;
}

/** Options of the index. */
export interface SubscriptionIndexOptions {
  schema: GraphQLSchema;
  links: SubscriptionLinks;
  /** Whether an auth mode may read a field (field and type auth directives). */
  isAllowed(typeName: string, fieldName: string, mode: AuthMode): boolean;
  /** AppSync's subscription payload limit (240 KB). */
  maxEventBytes: number;
  /** Told about dropped events (oversize payloads). */
  warn: (message: string) => void;
  meter?: UsageMeter | undefined;
}

const encoder = new TextEncoder();

/** Encodings of one event: by projected shape, by full shape (null: over the payload limit). */
interface EventBodies {
  readonly projected: Map<string, Uint8Array | null>;
  /** Projected shapes whose projection gave up on this event (graphql-js decides, per full shape). */
  readonly unprojectable: Set<string>;
  readonly executed: Map<string, Uint8Array | null>;
}

/** An execution error in AppSync's response shape. */
function appSyncError(error: GraphQLError) {
  const errorType = error.extensions.errorType;
  return {
    path: error.path ?? null,
    data: null,
    errorType: typeof errorType === 'string' ? errorType : null,
    errorInfo: null,
    locations: (error.locations ?? []).map((l) => ({ line: l.line, column: l.column, sourceName: null })),
    message: error.message,
  };
}

/** Creates the registry; one per real-time server. */
export function createSubscriptionIndex(options: SubscriptionIndexOptions) {
  const { schema, links, isAllowed, maxEventBytes, warn, meter } = options;
  /** Per subscription field: its groups by key, and the same groups filed by what their filters look up. */
  const groupsByField = new Map<string, Map<string, SubscriptionGroup>>();
  const candidatesByField = new Map<string, CandidateIndex<SubscriptionGroup>>();

  /** Plain property reads, refused for fields the subscriber's auth mode may not read. */
  const readField: GraphQLFieldResolver<unknown, { authMode: AuthMode }> = (source, _args, context, info) => {
    if (!isAllowed(info.parentType.name, info.fieldName, context.authMode)) {
      throw new GraphQLError(`Not Authorized to access ${info.fieldName} on type ${info.parentType.name}`, {
        extensions: { errorType: 'Unauthorized' },
      });
    }
    return typeof source === 'object' && source !== null
      ? (source as Record<string, unknown>)[info.fieldName]
      : undefined;
  };

  function add(
    owner: SubscriptionOwner,
    id: string,
    prepared: PreparedSubscription,
    authMode: AuthMode,
    filter: SubscriptionFilter | undefined,
    invalidationFilter: SubscriptionFilter | undefined,
  ): Subscription {
    const shape = [authMode, prepared.query, prepared.operationName ?? '', stableStringify(prepared.variables)].join(
      '\u0000',
    );
    const key = [
      shape,
      // Enhanced filters replace argument filters, so only one of the two is part of the key.
      filter ? stableStringify(filter) : `args:${stableStringify(prepared.args)}`,
      stableStringify(invalidationFilter ?? null),
    ].join('\u0000');
    let groups = groupsByField.get(prepared.fieldName);
    let candidates = candidatesByField.get(prepared.fieldName);
    if (!groups || !candidates) {
      groups = new Map();
      candidates = createCandidateIndex();
      groupsByField.set(prepared.fieldName, groups);
      candidatesByField.set(prepared.fieldName, candidates);
    }
    let group = groups.get(key);
    if (!group) {
      const readable = (typeName: string, fieldName: string) => isAllowed(typeName, fieldName, authMode);
      const projection = compileEventProjection(schema, prepared, readable);
      group = {
        key,
        shape,
        prepared,
        authMode,
        filter,
        invalidationFilter,
        members: new Set(),
        projection,
        projectedShape: projection
          ? [authMode, prepared.query, prepared.operationName ?? ''].join('\u0000')
          : undefined,
        meter: meter?.subscription(subscriptionKey(prepared.fieldName, prepared.args)),
      };
      groups.set(key, group);
      candidates.add(group, filter ? lookupsOfFilter(filter) : lookupsOfArguments(prepared.args));
    }
    const subscription: Subscription = {
      id,
      owner,
      group,
      head: encoder.encode(`{"type":"data","id":${JSON.stringify(id)},"payload":`),
    };
    group.members.add(subscription);
    return subscription;
  }

  function remove(subscription: Subscription): void {
    const { group } = subscription;
    group.members.delete(subscription);
    if (group.members.size > 0) return;
    const { fieldName } = group.prepared;
    const groups = groupsByField.get(fieldName);
    groups?.delete(group.key);
    candidatesByField.get(fieldName)?.remove(group);
    if (groups && groups.size === 0) {
      groupsByField.delete(fieldName);
      candidatesByField.delete(fieldName);
    }
  }

  function matches(group: SubscriptionGroup, data: unknown): boolean {
    return group.filter ? filterMatches(group.filter, data) : argumentsMatch(group.prepared.args, data);
  }

  /** The event's payload bytes: `{"data":…}}` (the closing brace ends the subscription's `head`). */
  function payloadBytes(payload: unknown): Uint8Array {
    return encoder.encode(`${JSON.stringify(payload)}}`);
  }

  /**
   * The subscriber's own selection set executed over the mutation's result
   * (graphql-js default resolvers): fields the mutation did not select are
   * null, or an error for non-null fields, as AppSync documents. The group's
   * compiled projection gives the same bytes faster when the event needs no
   * error; graphql-js decides every other case.
   */
  function executeEvent(group: SubscriptionGroup, data: unknown): Uint8Array {
    const { document, variables, operationName, fieldName } = group.prepared;
    const result = executeSync({
      schema,
      document,
      rootValue: { [fieldName]: data },
      contextValue: { authMode: group.authMode },
      variableValues: variables,
      operationName,
      fieldResolver: readField,
    });
    const payload = result.errors
      ? { data: result.data ?? null, errors: result.errors.map(appSyncError) }
      : { data: result.data ?? null };
    return payloadBytes(payload);
  }

  /** The group's payload for the event, encoded for the first group of its shape that needs it. */
  function bodyOf(group: SubscriptionGroup, data: unknown, bodies: EventBodies): Uint8Array | null {
    const { projection, projectedShape } = group;
    if (projection && projectedShape !== undefined && !bodies.unprojectable.has(projectedShape)) {
      const known = bodies.projected.get(projectedShape);
      if (known !== undefined) return known;
      const projected = projection(data);
      if (projected) return settle(bodies.projected, projectedShape, group, payloadBytes(projected));
      bodies.unprojectable.add(projectedShape);
    }
    const known = bodies.executed.get(group.shape);
    if (known !== undefined) return known;
    return settle(bodies.executed, group.shape, group, executeEvent(group, data));
  }

  function settle(
    cache: Map<string, Uint8Array | null>,
    key: string,
    group: SubscriptionGroup,
    encoded: Uint8Array,
  ): Uint8Array | null {
    const body = encoded.byteLength > maxEventBytes ? null : encoded;
    cache.set(key, body);
    // AppSync drops events above its payload limit (counted as an inbound message error).
    if (body === null)
      warn(`${group.prepared.fieldName}: event of ${encoded.byteLength} bytes dropped (limit ${maxEventBytes})`);
    return body;
  }

  function publish(event: MutationEvent): PublishReport {
    const report: PublishReport = { groupsMatched: 0, delivered: 0, oversized: 0, invalidated: 0 };
    const bodies: EventBodies = { projected: new Map(), unprojectable: new Set(), executed: new Map() };
    for (const fieldName of links.subscriptionsByMutation.get(event.fieldName) ?? []) {
      const candidates = candidatesByField.get(fieldName);
      if (!candidates) continue;
      for (const group of candidates.candidates(event.data)) {
        if (!matches(group, event.data)) continue;
        report.groupsMatched += 1;
        const body = bodyOf(group, event.data, bodies);
        if (body === null) {
          report.oversized += 1;
          continue;
        }
        for (const subscription of [...group.members]) {
          subscription.owner.deliver(subscription, body);
          report.delivered += 1;
        }
      }
    }
    for (const request of event.invalidations) {
      const groups = groupsByField.get(request.subscriptionField);
      if (!groups) continue;
      for (const group of [...groups.values()]) {
        if (!group.invalidationFilter || !filterMatches(group.invalidationFilter, request.payload)) continue;
        for (const subscription of [...group.members]) {
          remove(subscription);
          subscription.owner.invalidated(subscription);
          report.invalidated += 1;
        }
      }
    }
    return report;
  }

  function size(): number {
    let count = 0;
    for (const groups of groupsByField.values()) for (const group of groups.values()) count += group.members.size;
    return count;
  }

  function groupCount(): number {
    let count = 0;
    for (const groups of groupsByField.values()) count += groups.size;
    return count;
  }

  /**
   * Subscriptions per value of one subscription argument (`classId` → how many
   * listen to each class), whatever field they subscribe to. Subscriptions
   * without the argument are not counted.
   */
  function countByArgument(argument: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const groups of groupsByField.values()) {
      for (const group of groups.values()) {
        const value = group.prepared.args[argument];
        if (value === undefined || group.members.size === 0) continue;
        const key = typeof value === 'string' ? value : JSON.stringify(value);
        counts[key] = (counts[key] ?? 0) + group.members.size;
      }
    }
    return counts;
  }

  return { add, remove, publish, size, groupCount, countByArgument };
}

/** The registry's interface. */
export type SubscriptionIndex = ReturnType<typeof createSubscriptionIndex>;
