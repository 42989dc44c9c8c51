/**
 * Counts the DynamoDB write calls one function sends while the local stack
 * runs it in this process, without a hook in the function: the stack's
 * `wrapHandler` runs the handler inside an AsyncLocalStorage scope, and every
 * DynamoDB client `send` made inside that scope — whichever client the
 * function built, retries and conflict re-puts included — is counted when its
 * command writes. Other functions and the AppSync runtime run outside the
 * scope (a request the function makes over HTTP is served in the server's own
 * context), so they are not counted.
 *
 * One count per call: the SDK's own retries of a throttled call (which
 * DynamoDB Local never asks for) would not be counted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LambdaHandler } from '../local/esm/eventSourceMapping.js';
import { WRITE_COMMANDS } from './countingClient.js';

/** The same writes as sent through the document client (lib-dynamodb names its commands without "Item"). */
const DOCUMENT_WRITE_COMMANDS: ReadonlySet<string> = new Set([
  'PutCommand',
  'UpdateCommand',
  'BatchWriteCommand',
  'DeleteCommand',
  'TransactWriteCommand',
]);

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;
interface Sender {
  send: Send;
}

function isWrite(command: unknown): boolean {
  if (typeof command !== 'object' || command === null) return false;
  const name = command.constructor.name;
  return WRITE_COMMANDS.has(name) || DOCUMENT_WRITE_COMMANDS.has(name);
}

export interface LiveWriteCounter {
  /** Wraps `handler` so that the write calls it sends are counted. */
  wrap(handler: LambdaHandler): LambdaHandler;
  /** Write calls counted so far. */
  readonly calls: number;
  /** Restores the clients' `send`. */
  dispose(): void;
}

/**
 * Starts counting: replaces `send` on the DynamoDB client and document client
 * prototypes (a document client sends through its own `send`, not its base
 * client's, so each call is counted once). One counter at a time.
 */
export function countLiveWrites(): LiveWriteCounter {
  const scope = new AsyncLocalStorage<true>();
  let calls = 0;
  // The SDK types `send` with overloads; only the call shape matters here.
  const prototypes = [DynamoDBClient.prototype, DynamoDBDocumentClient.prototype] as unknown as Sender[];
  const restores = prototypes.map((proto) => {
    const own = Object.prototype.hasOwnProperty.call(proto, 'send');
    const original = proto.send;
    proto.send = function send(this: unknown, command: unknown, ...rest: unknown[]): unknown {
      if (scope.getStore() === true && isWrite(command)) calls += 1;
      return original.call(this, command, ...rest);
    };
    return () => {
      if (own) proto.send = original;
      else delete (proto as Partial<Sender>).send;
    };
  });
  return {
    wrap: (handler) => ((event: never, context) => scope.run(true, () => handler(event, context))) as LambdaHandler,
    get calls() {
      return calls;
    },
    dispose: () => {
      for (const restore of restores) restore();
    },
  };
}
