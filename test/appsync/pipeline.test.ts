import { describe, expect, it } from 'vitest';
import { createTestRuntime, apiKeyHeaders } from './fixtures/testRuntime.js';

const runtime = createTestRuntime();

async function pipeline(mode: string | null) {
  const out = await runtime.execute({
    query: 'query ($m: String) { pipeline(mode: $m) }',
    variables: { m: mode },
    headers: apiKeyHeaders,
  });
  return out.body as { data: { pipeline: string | null }; errors?: Array<Record<string, unknown>> };
}

describe('pipeline resolvers', () => {
  it('runs resolver request, each function (request, data source, response) and resolver response in order, sharing the stash', async () => {
    const body = await pipeline(null);
    expect(body.errors).toBeUndefined();
    const out = JSON.parse(body.data.pipeline ?? 'null');
    expect(out.trail).toEqual(['req', 'A.req:{"start":1}', 'A.res', 'B.req:{"fromA":1}', 'B.res', 'res']);
    // the last function's result is both ctx.prev.result and ctx.result in the resolver response
    expect(out.prev).toEqual({ fromA: { fromA: 1 }, fromB: 2 });
    expect(out.result).toEqual(out.prev);
  });

  it('earlyReturn in the resolver request skips every function', async () => {
    const out = JSON.parse((await pipeline('resolverEarly')).data.pipeline ?? 'null');
    expect(out.trail).toEqual(['req', 'res']);
    expect(out.prev).toEqual({ early: true });
  });

  it('earlyReturn in a function request skips its data source and response, then runs the next function', async () => {
    const out = JSON.parse((await pipeline('skipNext')).data.pipeline ?? 'null');
    expect(out.trail).toEqual(['req', 'A.req:{"start":1}', 'B.req:{"skipped":"A"}', 'B.res', 'res']);
  });

  it("earlyReturn with skipTo 'END' goes straight to the resolver response", async () => {
    const out = JSON.parse((await pipeline('skipEnd')).data.pipeline ?? 'null');
    expect(out.trail).toEqual(['req', 'A.req:{"start":1}', 'res']);
    expect(out.prev).toEqual({ ended: 'A' });
  });

  it('util.error stops the pipeline: the field is null with an error in AppSync shape', async () => {
    const body = await pipeline('error');
    expect(body.data.pipeline).toBeNull();
    expect(body.errors).toEqual([
      {
        path: ['pipeline'],
        data: null,
        errorType: 'AError',
        errorInfo: { why: 'test' },
        locations: [{ line: 1, column: 22, sourceName: null }],
        message: 'A failed',
      },
    ]);
  });

  it('util.appendError records an error and the pipeline continues', async () => {
    const body = await pipeline('append');
    const out = JSON.parse(body.data.pipeline ?? 'null');
    expect(out.trail).toEqual(['req', 'A.req:{"start":1}', 'A.res', 'B.req:{"fromA":1}', 'B.res', 'res']);
    expect(body.errors).toEqual([
      {
        path: ['pipeline'],
        data: null,
        errorType: 'AWarning',
        errorInfo: { level: 1 },
        locations: [{ line: 1, column: 22, sourceName: null }],
        message: 'A warned',
      },
    ]);
  });
});
