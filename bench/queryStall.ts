/**
 * How long a small query waits while the local stack handles a hostile
 * document beside it: 10,000 and 1,000 aliases of a resolver field, 500
 * aliases of introspection. The small query is sent in a loop from the moment the big
 * one is sent until its answer arrives; the figure is the slowest small answer.
 *
 * Not part of `npm run bench` (it measures a refusal, not a throughput):
 * `npx tsx bench/queryStall.ts` starts an in-memory stack and prints the figures.
 */
import { performance } from 'node:perf_hooks';

export const SMALL_QUERY = '{ raceClasses { classId } }';

/** `count` aliases of `selection` as one query. */
export function aliasedQuery(count: number, selection: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;
}

export const ATTACKS = {
  aliases10k: aliasedQuery(10_000, 'raceClasses { classId name description }'),
  // Under the token limit: the resolver count limit stops it.
  aliases1k: aliasedQuery(1_000, 'raceClasses { classId name description }'),
  introspection500: aliasedQuery(
    500,
    '__schema { types { name fields { name type { name kind ofType { name kind } } } } }',
  ),
} as const;

export interface StallReading {
  /** Time to the big document's answer. */
  readonly bigMs: number;
  readonly bigStatus: number;
  readonly bigBytes: number;
  /** The big document's first error, if any. */
  readonly bigError: string | undefined;
  /** Median of small queries before the big one was sent. */
  readonly idleMedianMs: number;
  /** Slowest small query while the big one was in flight. */
  readonly besideMaxMs: number;
  readonly besideCount: number;
}

async function post(url: string, apiKey: string, query: string): Promise<{ ms: number; status: number; text: string }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { ms: performance.now() - started, status: response.status, text };
}

/** Sends `big` once and the small query in a loop beside it. */
export async function stallBeside(url: string, apiKey: string, big: string): Promise<StallReading> {
  const idle: number[] = [];
  for (let i = 0; i < 10; i += 1) idle.push((await post(url, apiKey, SMALL_QUERY)).ms);
  idle.sort((a, b) => a - b);
  let done = false;
  const bigAnswer = post(url, apiKey, big).finally(() => {
    done = true;
  });
  const beside: number[] = [];
  while (!done) beside.push((await post(url, apiKey, SMALL_QUERY)).ms);
  const answer = await bigAnswer;
  const errors = (JSON.parse(answer.text) as { errors?: Array<{ message: string }> }).errors;
  return {
    bigMs: answer.ms,
    bigStatus: answer.status,
    bigBytes: answer.text.length,
    bigError: errors?.[0]?.message,
    idleMedianMs: idle[Math.floor(idle.length / 2)] ?? NaN,
    besideMaxMs: Math.max(...beside),
    besideCount: beside.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startScratchStack } = await import('../local/stack/startScratchStack.js');
  const stack = await startScratchStack();
  try {
    for (const [name, big] of Object.entries(ATTACKS)) {
      for (let round = 0; round < 5; round += 1) {
        const r = await stallBeside(stack.endpoints.graphqlUrl, stack.endpoints.apiKey, big);
        console.log(
          `${name} round ${round + 1}: big ${r.bigMs.toFixed(0)} ms (HTTP ${r.bigStatus}, ${r.bigBytes} B${
            r.bigError ? `, "${r.bigError}"` : ''
          }); ` +
            `small idle median ${r.idleMedianMs.toFixed(1)} ms, beside max ${r.besideMaxMs.toFixed(1)} ms over ${
              r.besideCount
            }`,
        );
      }
    }
  } finally {
    await stack.stop();
  }
}
