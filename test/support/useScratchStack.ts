/**
 * A scratch local stack for one describe block, and the ways its tests reach
 * it: the SDK with the public API key (test/support/stackClient.ts), riders signed in on
 * recordTelemetry, and a trusted producer on Kinesis. The stack starts before
 * the block's tests and stops after them, with whichever of those the tests used.
 */
import { afterAll, beforeAll } from 'vitest';
import type { AlleycatClient } from '../../client/index.js';
import type { LocalStack, LocalStackOptions } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { riderTelemetry, type RiderTelemetry } from './riderTelemetry.js';
import { stackClient } from './stackClient.js';
import { streamTelemetry, type StreamTelemetry } from './streamTelemetry.js';

/** Read its fields in hooks and tests: each is there once the stack has started. */
export interface ScratchStack {
  readonly stack: LocalStack;
  /** The SDK with the public API key: queries over HTTP, subscriptions over the real-time WebSocket. */
  readonly client: AlleycatClient;
  /** recordTelemetry as the riders themselves call it (test/support/riderTelemetry.ts). */
  readonly riders: RiderTelemetry;
  /** Records put straight on the stream, each refusal failing the test at once (test/support/streamTelemetry.ts). */
  readonly stream: StreamTelemetry;
}

/** Registers the block's hooks: call it in a describe block, before any hook that uses the stack. */
export function useScratchStack(options: LocalStackOptions): ScratchStack {
  let stack: LocalStack | undefined;
  let client: AlleycatClient | undefined;
  let riders: RiderTelemetry | undefined;
  let stream: StreamTelemetry | undefined;
  beforeAll(async () => {
    stack = await startScratchStack(options);
  });
  afterAll(async () => {
    client?.close();
    riders?.close();
    stream?.close();
    await stack?.stop();
  });
  const started = (): LocalStack => {
    if (stack === undefined) throw new Error('useScratchStack: read before its beforeAll started the stack');
    return stack;
  };
  return {
    get stack() {
      return started();
    },
    get client() {
      client ??= stackClient(started().endpoints);
      return client;
    },
    get riders() {
      riders ??= riderTelemetry(started().endpoints);
      return riders;
    },
    get stream() {
      stream ??= streamTelemetry(started().endpoints.kinesis, { attempts: 1 });
      return stream;
    },
  };
}
