/**
 * Function errors, discarded batches, read and dead-letter failures of the mappings go to
 * the terminal, as they would go to CloudWatch Logs on AWS. A repeated
 * message (a poison batch retried every second) is said at most once per
 * interval per mapping, so the terminal stays readable.
 */
import type { MappingEvent } from '../esm/types.js';
import type { StackMapping } from './stackMappings.js';

const REPEAT_INTERVAL_MS = 10_000;

/** A log that drops a line whose key it said less than `intervalMs` ago. */
export function throttledLog(
  log: (line: string) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (key: string, line: string) => void {
  const lastSaid = new Map<string, number>();
  return (key, line) => {
    const at = now();
    if ((lastSaid.get(key) ?? -Infinity) + intervalMs > at) return;
    lastSaid.set(key, at);
    log(line);
  };
}

/** Logs what each mapping reports until it stops. */
export function logMappingEvents(mappings: readonly StackMapping[], log: (line: string) => void): void {
  const say = throttledLog(log, REPEAT_INTERVAL_MS);
  for (const { name, mapping } of mappings) {
    mapping.events.on('event', (e: MappingEvent) => {
      if (e.type === 'invoke' && e.error)
        say(
          `${name}:${e.error.message}`,
          `[${name}] ${e.shardId}: function error: ${e.error.message} (the batch is retried)`,
        );
      else if (e.type === 'discard')
        log(
          `[${name}] ${e.shardId}: batch discarded (${e.message.requestContext.condition}); its metadata is in the dead-letter queue`,
        );
      else if (e.type === 'readError')
        say(
          `${name}:read:${e.error.message}`,
          `[${name}] ${e.shardId}: reading the stream failed: ${e.error.message} (retrying)`,
        );
      else if (e.type === 'destinationError')
        say(
          `${name}:destination:${e.error.message}`,
          `[${name}] ${e.shardId}: sending a discarded batch to the dead-letter queue failed: ${e.error.message} (the shard waits and sends again)`,
        );
    });
  }
}
