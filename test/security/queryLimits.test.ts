/**
 * The API's query limits on the real local stack (the values the CDK stack
 * deploys, infra/settings.ts API): the explorer's introspection fits, a
 * document built to be expensive gets a GraphQL error, and a small query sent
 * beside it is answered without waiting for it.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKS, SMALL_QUERY, aliasedQuery, stallBeside } from '../../bench/queryStall.js';
import { API } from '../../infra/settings.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { withApiKey } from './support/clients.js';

/**
 * Slowest answer allowed to a small query beside an expensive document. Before
 * the limits it waited out the whole document (2.5–4.4 s beside 10,000
 * aliases, 0.8–2.3 s beside 500 introspections); with them it waits tens of
 * milliseconds. Generous, for a loaded machine.
 */
const STALL_BOUND_MS = 1_000;

let stack: LocalStack;
beforeAll(async () => {
  stack = await startScratchStack();
});
afterAll(async () => {
  await stack?.stop();
});

const query = (text: string) => withApiKey(stack.endpoints.graphqlUrl, stack.endpoints.apiKey, text);

describe('the deployed limits, locally', () => {
  it('answer the standard introspection query the explorer sends', async () => {
    const out = await query(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data?.['__schema']).toMatchObject({ queryType: { name: 'Query' } });
  });

  it(`run ${API.resolverCountLimit} resolvers of one request and refuse the next`, async () => {
    const within = await query(aliasedQuery(API.resolverCountLimit, 'raceClasses { classId }'));
    expect(within.body.errors).toBeUndefined();
    const over = await query(aliasedQuery(API.resolverCountLimit + 1, 'raceClasses { classId }'));
    // raceClasses is non-null: the refused field nulls the whole data.
    expect(over.body.data).toBeNull();
    expect(over.body.errors?.[0]).toMatchObject({
      errorType: 'LimitExceededError',
      message: `Resolver count limit of ${API.resolverCountLimit} exceeded.`,
    });
  });

  it.each([5_000, 10_000])('answer a document nested %i deep with a GraphQL error, not a 500', async (depth) => {
    const out = await query(`{ raceClasses ${'{ classId '.repeat(depth)}${'}'.repeat(depth)} }`);
    expect(out.status).toBe(200);
    expect(out.body.errors?.[0]).toMatchObject({ errorType: 'InvalidSyntax' });
    expect((await query(SMALL_QUERY)).body.errors).toBeUndefined();
  });
});

describe('a small query beside an expensive document', () => {
  it.each([
    ['10,000 aliases', ATTACKS.aliases10k, 'InvalidSyntax'],
    ['1,000 aliases', ATTACKS.aliases1k, 'LimitExceededError'],
    ['500 aliases of introspection', ATTACKS.introspection500, 'LimitExceededError'],
  ])('is not held up by %s', async (_name, big, errorType) => {
    const reading = await stallBeside(stack.endpoints.graphqlUrl, stack.endpoints.apiKey, big);
    expect(reading.bigStatus).toBe(200);
    expect(reading.bigError).toBeDefined();
    expect(reading.besideCount).toBeGreaterThan(0);
    expect(reading.besideMaxMs).toBeLessThan(STALL_BOUND_MS);
    const answer = await query(big);
    expect(answer.body.errors?.[0]?.errorType).toBe(errorType);
  });
});
