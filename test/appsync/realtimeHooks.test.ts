// What the real-time server builds on: onMutation events, subscription resolvers, authorize.
import { describe, expect, it } from 'vitest';
import type { MutationEvent } from '../../local/appsync/index.js';
import { createTestRuntime, apiKeyHeaders } from './fixtures/testRuntime.js';
import { TEST_API_KEY } from './fixtures/testApi.js';

describe('onMutation', () => {
  it('reports each successful mutation field with its completed value shaped by the selection set', async () => {
    const runtime = createTestRuntime({ clock: () => Date.UTC(2026, 0, 1) });
    const events: MutationEvent[] = [];
    const off = runtime.onMutation((e) => events.push(e));
    await runtime.execute({
      query: 'mutation { publish(classId: 3, msg: "hello") { msg classId } }',
      headers: apiKeyHeaders,
    });
    expect(events).toEqual([
      {
        fieldName: 'publish',
        parentTypeName: 'Mutation',
        responseKey: 'publish',
        args: { classId: 3, msg: 'hello' },
        data: { msg: 'hello', classId: 3 },
        extensions: { invalidations: [] },
        identity: null,
        authMode: 'API_KEY',
      },
    ]);
    off();
    await runtime.execute({ query: 'mutation { publish(classId: 3, msg: "again") { msg } }', headers: apiKeyHeaders });
    expect(events).toHaveLength(1);
  });

  it('carries invalidations recorded by extensions.invalidateSubscriptions', async () => {
    const runtime = createTestRuntime();
    const events: MutationEvent[] = [];
    runtime.onMutation((e) => events.push(e));
    await runtime.execute({ query: 'mutation { publish(classId: 4, msg: "bye") { msg } }', headers: apiKeyHeaders });
    expect(events[0]?.extensions.invalidations).toEqual([{ subscriptionField: 'onMessage', payload: { classId: 4 } }]);
  });

  it('is not called for a failed mutation or for queries', async () => {
    const runtime = createTestRuntime();
    const events: MutationEvent[] = [];
    runtime.onMutation((e) => events.push(e));
    await runtime.execute({ query: 'mutation { putItem(id: "x", value: 1) { id } }', headers: apiKeyHeaders }); // table not configured → error
    await runtime.execute({ query: '{ echo(msg: "q") }', headers: apiKeyHeaders });
    expect(events).toEqual([]);
  });
});

describe('runSubscriptionResolver', () => {
  const runtime = createTestRuntime();
  it('returns the filters the subscription resolver set', async () => {
    const out = await runtime.runSubscriptionResolver('onMessage', { classId: 2 }, null, { 'x-api-key': TEST_API_KEY });
    expect(out).toEqual({
      filter: { filterGroup: [{ filters: [{ fieldName: 'classId', operator: 'eq', value: 2 }] }] },
      invalidationFilter: { filterGroup: [{ filters: [{ fieldName: 'classId', operator: 'eq', value: 2 }] }] },
      error: null,
    });
  });
  it('returns the error when the resolver refuses', async () => {
    const out = await runtime.runSubscriptionResolver('onMessage', { classId: 13 }, null, {});
    expect(out.error).toEqual({
      message: 'Not Authorized to access onMessage on type Subscription',
      errorType: 'Unauthorized',
    });
  });
  it('is a no-op for a subscription field without a resolver', async () => {
    expect(await runtime.runSubscriptionResolver('other', {}, null, {})).toEqual({
      filter: null,
      invalidationFilter: null,
      error: null,
    });
  });
});

describe('subscriptions over HTTP', () => {
  it('are refused: they belong to the real-time endpoint', async () => {
    const runtime = createTestRuntime();
    const out = await runtime.execute({
      query: 'subscription { onMessage(classId: 1) { msg } }',
      headers: apiKeyHeaders,
    });
    expect((out.body as { errors: Array<{ errorType: string }> }).errors[0]?.errorType).toBe('UnsupportedOperation');
  });
});
