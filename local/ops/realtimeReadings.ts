/**
 * Adapts the local real-time server (local/appsync/realtime) to ops readings:
 * open connections and subscriptions (gauges), messages delivered to clients
 * (a counter from its `onPublish` reports, shown per second), events dropped
 * for exceeding AppSync's 240 KB limit, and — when the server offers it —
 * subscriptions per race class.
 */
import type { Reading, ReadingSource } from './types.js';

/** The parts of the real-time server this adapter reads (structural, so test doubles fit). */
export interface RealtimeFigures {
  connectionCount(): number;
  stats(): { subscriptions: number; groups: number };
  onPublish(listener: (report: { delivered: number; oversized: number }) => void): () => void;
  /**
   * Optional: subscriptions per value of a subscription argument
   * (`subscriptionsByArgument('classId')` → `{ "3": 120 }`). Shown per class when present.
   */
  subscriptionsByArgument?(argument: string): Record<string, number>;
}

export interface RealtimeReadingSource {
  read: ReadingSource;
  /** Stops listening to the server's publish reports. */
  dispose(): void;
}

export function realtimeReadings(server: RealtimeFigures): RealtimeReadingSource {
  let messagesOut = 0;
  let oversized = 0;
  let events = 0;
  // Classes seen once stay reported: a class whose last subscriber left reads 0, not its last count.
  const classesSeen = new Set<string>();
  const stop = server.onPublish((report) => {
    events += 1;
    messagesOut += report.delivered;
    oversized += report.oversized;
  });
  const read: ReadingSource = () => {
    const stats = server.stats();
    const readings: Reading[] = [
      {
        id: 'realtime.connections',
        group: 'realtime',
        label: 'connections',
        unit: 'Count',
        kind: 'gauge',
        value: server.connectionCount(),
      },
      {
        id: 'realtime.subscriptions',
        group: 'realtime',
        label: 'subscriptions',
        unit: 'Count',
        kind: 'gauge',
        value: stats.subscriptions,
      },
      {
        id: 'realtime.events',
        group: 'realtime',
        label: 'events published',
        unit: 'Count',
        kind: 'counter',
        value: events,
      },
      {
        id: 'realtime.messagesOut',
        group: 'realtime',
        label: 'messages out',
        unit: 'Count',
        kind: 'counter',
        value: messagesOut,
      },
      {
        id: 'realtime.oversizedEvents',
        group: 'realtime',
        label: 'events dropped (> 240 KB)',
        unit: 'Count',
        kind: 'counter',
        value: oversized,
      },
    ];
    const byClass = server.subscriptionsByArgument?.('classId') ?? {};
    for (const classId of Object.keys(byClass)) classesSeen.add(classId);
    for (const classId of [...classesSeen].sort()) {
      const count = byClass[classId] ?? 0;
      readings.push({
        id: `realtime.subscriptions.class.${classId}`,
        group: 'realtime',
        label: `subscriptions class ${classId}`,
        unit: 'Count',
        kind: 'gauge',
        value: count,
      });
    }
    return readings;
  };
  return { read, dispose: stop };
}
