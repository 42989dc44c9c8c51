/**
 * The real-time server core: one state machine per connection speaking
 * AppSync's `graphql-ws` dialect, one keep-alive timer for all connections,
 * and the subscription index fed by the runtime's mutation events.
 * Transport-free: adapters hand it sockets (`RealtimeSocket`) and frames.
 */
import type { AuthHeaders } from './messages.js';
import { MessageType, isFault, parseClientMessage, type StartMessage } from './messages.js';
import type { AuthMode, RealtimeBackend, RealtimeIdentity } from './backend.js';
import { eventSchemaOf } from './eventSchema.js';
import {
  CloseCode,
  connectionErrorMessage,
  duplicatedOperation,
  errorMessage,
  maxSubscriptionsReached,
  messageTooLarge,
  notAuthorizedForField,
  unauthorizedConnection,
  unauthorizedStart,
  unsupportedOperation,
  badStart,
} from './errors.js';
import { parseSubscriptionFilter, type SubscriptionFilter } from './filters.js';
import { resolveRealtimeOptions, type RealtimeOptions } from './options.js';
import { createSubscriptionPreparer } from './prepareSubscription.js';
import { readSubscriptionLinks } from './schemaLinks.js';
import type { RealtimeSocket } from './socket.js';
import {
  createSubscriptionIndex,
  type PublishReport,
  type Subscription,
  type SubscriptionOwner,
} from './subscriptionIndex.js';
import { toError } from '../../../lib/toError.js';

/** The handlers an adapter calls for one accepted socket. */
export interface ConnectionHandle {
  /** One inbound text frame (`byteLength` as received). */
  message(text: string, byteLength: number): void;
  /** The socket closed, for whatever reason. */
  closed(): void;
}

/** The core's public face. */
export interface RealtimeServer {
  /** Accepts an upgraded socket; `headers` is the handshake's auth header object, if any. */
  accept(socket: RealtimeSocket, headers: AuthHeaders | undefined): ConnectionHandle;
  /** Open connections. */
  connectionCount(): number;
  /** Registered subscriptions and distinct fan-out groups. */
  stats(): { subscriptions: number; groups: number };
  /** Subscriptions per value of a subscription argument (`classId` → `{ "3": 120 }`), for the ops view. */
  subscriptionsByArgument(argument: string): Record<string, number>;
  /** Closes every connection and stops the timers. */
  close(): void;
  /** Called for every published event (tests and benchmarks observe fan-out with it). */
  onPublish(listener: (report: PublishReport) => void): () => void;
}

const KEEP_ALIVE = JSON.stringify({ type: MessageType.KeepAlive });

/** Builds the real-time core over a backend (the runtime, or a test double). */
export function createRealtimeServer(backend: RealtimeBackend, options: RealtimeOptions = {}): RealtimeServer {
  const opts = resolveRealtimeOptions(options);
  const links = readSubscriptionLinks(backend.schema, backend.defaultAuthMode);
  // The runtime's own rules when it offers them, else the schema's auth directives.
  const isAllowed = (typeName: string, fieldName: string, mode: AuthMode): boolean =>
    backend.allowedModes
      ? backend.allowedModes(typeName, fieldName).includes(mode)
      : links.allowedModes(typeName, fieldName).has(mode);
  const prepare = createSubscriptionPreparer(backend.schema);
  const index = createSubscriptionIndex({
    schema: eventSchemaOf(backend.schema),
    links,
    isAllowed,
    maxEventBytes: opts.maxEventBytes,
    warn: (m) => opts.logger.warn(m),
    meter: opts.meter,
  });
  const connections = new Set<Connection>();
  const publishListeners = new Set<(report: PublishReport) => void>();
  const ackMessage = JSON.stringify({
    type: MessageType.ConnectionAck,
    payload: { connectionTimeoutMs: opts.connectionTimeoutMs },
  });

  // One timer for every connection keeps idle connections cheap.
  const keepAliveTimer = setInterval(() => {
    for (const connection of connections) if (connection.acked) connection.sendText(KEEP_ALIVE);
  }, opts.keepAliveIntervalMs);
  keepAliveTimer.unref();

  const stopListening = backend.onMutation((event) => {
    let report: PublishReport;
    try {
      report = index.publish(event);
    } catch (error) {
      opts.logger.warn(`fan-out of ${event.fieldName} failed: ${toError(error).message}`);
      return;
    }
    for (const listener of publishListeners) listener(report);
  });

  class Connection implements SubscriptionOwner, ConnectionHandle {
    acked = false;
    closing = false;
    private initStarted = false;
    /** Created on first start: idle connections carry no maps. */
    private subscriptions: Map<string, Subscription> | undefined;
    private pending: Set<string> | undefined;
    private readonly lifetimeTimer: NodeJS.Timeout;
    /** Cleared by connection_init: a socket that never initialises cannot hold a connection slot. */
    private initTimer: NodeJS.Timeout | undefined;
    /** Ends the metered connection-minutes (set at connection_ack). */
    private closeMeter: (() => void) | undefined;

    constructor(private readonly socket: RealtimeSocket, private readonly headers: AuthHeaders | undefined) {
      this.lifetimeTimer = setTimeout(
        () => this.shutdown(CloseCode.Normal, 'Connection lifetime exceeded'),
        opts.maxConnectionLifetimeMs,
      );
      this.lifetimeTimer.unref();
      this.initTimer = setTimeout(
        () => this.shutdown(CloseCode.InitTimeout, 'Connection initialisation timeout'),
        opts.connectionInitTimeoutMs,
      );
      this.initTimer.unref();
    }

    sendText(text: string): void {
      if (this.closing) return;
      this.socket.send(text);
    }

    message(text: string, byteLength: number): void {
      if (this.closing) return;
      if (byteLength > opts.maxMessageBytes) {
        this.sendText(errorMessage(undefined, [messageTooLarge(opts.maxMessageBytes)]));
        return;
      }
      const message = parseClientMessage(text);
      if (isFault(message)) {
        if (message.fault === 'unsupported') this.sendText(errorMessage(undefined, [unsupportedOperation()]));
        else this.sendText(errorMessage(message.id, [badStart(message.detail)]));
        return;
      }
      switch (message.type) {
        case MessageType.ConnectionInit:
          this.init();
          return;
        case MessageType.Start:
          // AppSync ignores messages sent before connection_ack.
          if (this.acked) this.start(message).catch((error: unknown) => this.internalError(message.id, error));
          return;
        case MessageType.Stop:
          if (this.acked) this.stop(message.id);
          return;
      }
    }

    private init(): void {
      if (this.initStarted) return;
      this.initStarted = true;
      clearTimeout(this.initTimer);
      this.initTimer = undefined;
      const refuse = (): void => {
        this.sendText(connectionErrorMessage([unauthorizedConnection()]));
        this.shutdown(CloseCode.PolicyViolation, 'Unauthorized');
      };
      if (!this.headers) {
        refuse();
        return;
      }
      // The handshake is signed (IAM) over POST /graphql/connect with body "{}".
      backend
        .authorize({ headers: this.headers, path: '/graphql/connect', body: '{}' })
        .then((result) => {
          if (this.closing) return;
          if (!result.ok) {
            refuse();
            return;
          }
          this.acked = true;
          this.closeMeter = opts.meter?.connectionOpened();
          this.sendText(ackMessage);
          // AWS sends a ka right after the ack.
          this.sendText(KEEP_ALIVE);
        })
        .catch((error: unknown) => {
          opts.logger.warn(`connection authorization failed: ${toError(error).message}`);
          refuse();
        });
    }

    private refuseStart(id: string, entry: Parameters<typeof errorMessage>[1][number]): void {
      this.pending?.delete(id);
      this.sendText(errorMessage(id, [entry]));
    }

    private async start(message: StartMessage): Promise<void> {
      const { id, data, authorization } = message;
      this.subscriptions ??= new Map();
      this.pending ??= new Set();
      if (this.subscriptions.has(id) || this.pending.has(id)) {
        this.sendText(errorMessage(id, [duplicatedOperation(id)]));
        return;
      }
      if (this.subscriptions.size + this.pending.size >= opts.maxSubscriptionsPerConnection) {
        this.sendText(errorMessage(id, [maxSubscriptionsReached(opts.maxSubscriptionsPerConnection)]));
        return;
      }
      this.pending.add(id);
      if (!authorization) return this.refuseStart(id, unauthorizedStart());
      const prepared = prepare(data);
      if ('errorType' in prepared) return this.refuseStart(id, prepared);
      // Each start carries its own auth; IAM signs POST /graphql with the data string as body.
      const auth = await backend.authorize({ headers: authorization, path: '/graphql', body: data });
      if (!this.stillPending(id)) return;
      if (!auth.ok) return this.refuseStart(id, auth.error);
      const identity: RealtimeIdentity = auth.identity;
      const admitted = backend.admits
        ? backend.admits('Subscription', prepared.fieldName, identity)
        : isAllowed('Subscription', prepared.fieldName, identity.authMode);
      if (!admitted) {
        return this.refuseStart(id, notAuthorizedForField(prepared.fieldName, 'Subscription'));
      }
      const resolved = await backend.runSubscriptionResolver(
        prepared.fieldName,
        prepared.args,
        identity,
        authorization,
      );
      if (!this.stillPending(id)) return;
      if (resolved.error) return this.refuseStart(id, resolved.error);
      let filter: SubscriptionFilter | undefined;
      let invalidationFilter: SubscriptionFilter | undefined;
      if (resolved.filter !== undefined) {
        const parsed = parseSubscriptionFilter(resolved.filter);
        if ('errorType' in parsed) return this.refuseStart(id, parsed);
        filter = parsed;
      }
      if (resolved.invalidationFilter !== undefined) {
        const parsed = parseSubscriptionFilter(resolved.invalidationFilter);
        if ('errorType' in parsed) return this.refuseStart(id, parsed);
        invalidationFilter = parsed;
      }
      this.pending.delete(id);
      const subscription = index.add(this, id, prepared, identity.authMode, filter, invalidationFilter);
      this.subscriptions.set(id, subscription);
      subscription.group.meter?.started();
      this.sendText(JSON.stringify({ type: MessageType.StartAck, id }));
    }

    /** False when the connection closed or the client stopped the id while it was being set up. */
    private stillPending(id: string): boolean {
      return !this.closing && this.pending !== undefined && this.pending.has(id);
    }

    private internalError(id: string, error: unknown): void {
      opts.logger.warn(`start ${id} failed: ${toError(error).message}`);
      this.refuseStart(id, { errorType: 'InternalFailure', message: 'An internal failure occurred.' });
    }

    private stop(id: string): void {
      const subscription = this.subscriptions?.get(id);
      if (subscription) {
        index.remove(subscription);
        this.subscriptions?.delete(id);
      }
      this.pending?.delete(id);
      this.sendText(JSON.stringify({ type: MessageType.Complete, id }));
    }

    deliver(subscription: Subscription, body: Uint8Array): void {
      if (this.closing) return;
      if (this.socket.bufferedAmount > opts.maxBufferedBytes) {
        // A consumer that cannot keep up must not hold memory or stall the others.
        opts.logger.warn(`slow consumer: ${this.socket.bufferedAmount} bytes buffered, closing`);
        this.shutdown(CloseCode.SlowConsumer, 'Slow consumer: send buffer limit exceeded', true);
        return;
      }
      this.socket.sendParts([subscription.head, body]);
      subscription.group.meter?.delivered(subscription.head.byteLength + body.byteLength);
    }

    invalidated(subscription: Subscription): void {
      if (this.closing) return;
      this.subscriptions?.delete(subscription.id);
      this.sendText(JSON.stringify({ type: MessageType.Complete, id: subscription.id }));
      // AppSync closes an invalidated client's connection once nothing else is subscribed on it.
      if (this.subscriptions?.size === 0 && (this.pending?.size ?? 0) === 0)
        this.shutdown(CloseCode.Normal, 'Subscription complete.');
    }

    private release(): void {
      for (const subscription of this.subscriptions?.values() ?? []) index.remove(subscription);
      this.subscriptions?.clear();
      this.pending?.clear();
      clearTimeout(this.lifetimeTimer);
      clearTimeout(this.initTimer);
      this.closeMeter?.();
      connections.delete(this);
    }

    shutdown(code: number, reason: string, hard = false): void {
      if (this.closing) return;
      this.closing = true;
      this.release();
      this.socket.close(code, reason);
      if (hard) setTimeout(() => this.socket.terminate(), opts.slowConsumerGraceMs).unref();
    }

    closed(): void {
      this.closing = true;
      this.release();
    }
  }

  return {
    accept(socket, headers) {
      const connection = new Connection(socket, headers);
      connections.add(connection);
      return connection;
    },
    connectionCount: () => connections.size,
    stats: () => ({ subscriptions: index.size(), groups: index.groupCount() }),
    subscriptionsByArgument: (argument) => index.countByArgument(argument),
    close() {
      clearInterval(keepAliveTimer);
      stopListening();
      for (const connection of [...connections]) connection.shutdown(CloseCode.GoingAway, 'Server closing');
    },
    onPublish(listener) {
      publishListeners.add(listener);
      return () => publishListeners.delete(listener);
    },
  };
}
