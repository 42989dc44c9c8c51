/**
 * appsync.resolverOverheadMsPerField: what the local AppSync runtime adds per
 * resolved field, without data-source latency — ctx built in the sandbox,
 * request handler, NONE data source, response handler, JSON boundaries, auth
 * check — measured through `execute` on a query of 50 aliased fields (so
 * parse/validate are amortised as in a real query). Target ≤ 0.5 ms.
 * Also reports appsync.handlerCallUs: one bare sandbox handler call (µs).
 */
import { performance } from 'node:perf_hooks';
import { createAppSyncRuntime } from '../local/appsync/index.js';
import { createSandbox } from '../local/appsync/runtime/sandbox.js';
import { loadBundle } from '../local/appsync/runtime/loadBundle.js';
import type { BenchOptions, BenchResult } from './types.js';

const SCHEMA = 'type Query { lookup(id: ID!): Item }\ntype Item { id: ID! key: String }';
const CODE = `import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
export function request(ctx) {
  return { payload: ddb.get({ key: { PK: 'RACE#' + ctx.args.id, SK: 'META' } }) };
}
export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return { id: ctx.args.id, key: ctx.result.key.PK.S };
}
`;
const FIELDS = 50;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const runtime = createAppSyncRuntime({
    api: {
      schema: SCHEMA,
      dataSources: [{ name: 'none', type: 'NONE' }],
      resolvers: [{ typeName: 'Query', fieldName: 'lookup', kind: 'UNIT', dataSourceName: 'none', code: CODE }],
      auth: { apiKeys: [{ id: 'da2-bench', expiresAt: Date.now() / 1000 + 3600 }], iam: [] },
    },
  });
  const query = `{ ${Array.from({ length: FIELDS }, (_, i) => `f${i}: lookup(id: "${i}") { id key }`).join(' ')} }`;
  const headers = { 'x-api-key': 'da2-bench' };
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const out = await runtime.execute({ query, headers });
    const ms = performance.now() - t0;
    const body = out.body as { errors?: unknown[] };
    if (out.statusCode !== 200 || body.errors)
      throw new Error(`benchmark query failed: ${JSON.stringify(out.body).slice(0, 300)}`);
    return ms / FIELDS;
  };
  for (let i = 0; i < 30; i += 1) await once(); // warm-up (JIT)
  const rounds = opts.quick ? 100 : 500;
  const perField: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    perField.push(await once());
    if (i % 50 === 0) opts.progress?.(`execute round ${i + 1}/${rounds}`);
  }

  // A bare handler call: the sandbox's own cost (vm call with a time limit).
  const sandbox = createSandbox();
  const bundle = loadBundle(CODE, 'bench.js', sandbox, 1000);
  const ctx = sandbox.importValue({ args: { id: '1' }, arguments: { id: '1' }, stash: {} });
  const calls = opts.quick ? 5_000 : 20_000;
  for (let i = 0; i < 1000; i += 1) sandbox.call(bundle.request, ctx, 1000);
  const t0 = performance.now();
  for (let i = 0; i < calls; i += 1) sandbox.call(bundle.request, ctx, 1000);
  const handlerUs = ((performance.now() - t0) / calls) * 1000;

  const overhead = median(perField);
  console.log(
    `appsync runtime: ${overhead.toFixed(
      3,
    )} ms per field (median of ${rounds} queries × ${FIELDS} fields); bare handler call ${handlerUs.toFixed(1)} µs`,
  );
  return [
    {
      metric: 'appsync.resolverOverheadMsPerField',
      value: Number(overhead.toFixed(4)),
      unit: 'ms',
      target: 0.5,
      better: 'lower',
    },
    { metric: 'appsync.handlerCallUs', value: Number(handlerUs.toFixed(2)), unit: 'µs', target: 100, better: 'lower' },
  ];
}

// `npx tsx bench/appsyncOverhead.ts` prints the figures directly.
if (import.meta.url === `file://${process.argv[1]}`) {
  run({ quick: process.argv.includes('--quick') }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
