/**
 * The compiled projection must give exactly what graphql-js gives (plain
 * property reads over the mutation's result), and must step aside whenever
 * graphql-js would report an error or the selection is not plain.
 */
import { executeSync, type GraphQLFieldResolver } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileEventProjection } from '../../local/appsync/realtime/eventProjection.js';
import {
  createSubscriptionPreparer,
  type PreparedSubscription,
} from '../../local/appsync/realtime/prepareSubscription.js';
import { appSyncSchema } from './support/graphqlBackend.js';

const schema = appSyncSchema(`
  enum Level { LOW HIGH }
  type Inner { n: Int! s: String tags: [String!] level: Level secret: String @aws_iam }
  type Event @aws_api_key @aws_iam { id: ID! count: Int ratio: Float inner: Inner items: [Inner!]! maybe: [Int] when: AWSDateTime }
  type Query { x: Int }
  type Mutation { put: Event }
  type Subscription { onEvent(id: ID): Event @aws_subscribe(mutations: ["put"]) }
`);
const prepare = createSubscriptionPreparer(schema);

function prepared(query: string, variables: Record<string, unknown> = {}): PreparedSubscription {
  const result = prepare(JSON.stringify({ query, variables }));
  if ('errorType' in result) throw new Error(result.message);
  return result;
}

/** Everything is readable except Inner.secret (API_KEY reader). */
const readable = (typeName: string, fieldName: string) => !(typeName === 'Inner' && fieldName === 'secret');

function graphqlJs(p: PreparedSubscription, event: unknown) {
  const readField: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) =>
    typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[info.fieldName] : undefined;
  return executeSync({
    schema,
    document: p.document,
    rootValue: { [p.fieldName]: event },
    variableValues: p.variables,
    operationName: p.operationName,
    fieldResolver: readField,
  });
}

const FULL = `subscription S($id: ID) { onEvent(id: $id) { __typename id count ratio when maybe
  inner { n s tags level __typename } items { n level } second: items { label: s } } }`;

const event = {
  id: 'e1',
  count: 3,
  ratio: 0.25,
  when: '2026-11-23T05:00:00.000Z',
  maybe: [1, null, 3],
  inner: { n: 1, s: 'x', tags: ['a', 'b'], level: 'HIGH', extra: 'ignored' },
  items: [
    { n: 2, s: 'two', level: 'LOW' },
    { n: 3, s: null },
  ],
};

describe('compiled event projection', () => {
  it.each([
    ['every field present', FULL, event],
    ['nullable fields absent from the result are null', FULL, { id: 'e2', items: [] }],
    ['aliases, and the root field aliased', 'subscription { ev: onEvent { the: id inner { k: n } } }', event],
    ['a float that is a whole number in an Int field', 'subscription { onEvent { id count } }', { id: 7, count: 4.0 }],
    ['an ID given as a number', 'subscription { onEvent { id } }', { id: 42 }],
    ['a null root value', 'subscription { onEvent { id } }', null],
  ])('gives graphql-js result byte for byte: %s', (_name, query, value) => {
    const p = prepared(query, { id: 'e1' });
    const projection = compileEventProjection(schema, p, readable);
    expect(projection).toBeDefined();
    const expected = graphqlJs(p, value);
    expect(expected.errors).toBeUndefined();
    expect(JSON.stringify(projection?.(value))).toBe(JSON.stringify({ data: expected.data }));
  });

  it.each([
    ['a non-null field missing', { items: [] }],
    ['null inside a list of non-null items', { id: 'e', items: [null] }],
    ['a float in an Int field', { id: 'e', count: 1.5, items: [] }],
    ['an unknown enum value', { id: 'e', items: [{ n: 1, level: 'MEDIUM' }] }],
    ['a string where a list belongs', { id: 'e', items: 'n' }],
    ['a number where an object belongs', { id: 'e', items: [], inner: 5 }],
    ['an array where an object belongs', { id: 'e', items: [], inner: [] }],
  ])('steps aside where graphql-js reports an error: %s', (_name, value) => {
    const p = prepared(FULL);
    const projection = compileEventProjection(schema, p, readable);
    expect(projection).toBeDefined();
    expect(projection?.(value)).toBeUndefined();
  });

  it.each([
    ['a fragment spread', 'subscription { onEvent { ...F } } fragment F on Event { id }'],
    ['an inline fragment', 'subscription { onEvent { ... on Event { id } } }'],
    ['a directive', 'subscription S($x: Boolean!) { onEvent { id @include(if: $x) } }'],
    ['a response name selected twice', 'subscription { onEvent { id id } }'],
    ['a field the reader may not read', 'subscription { onEvent { inner { secret } } }'],
    ['the response name __proto__', 'subscription { onEvent { __proto__: id } }'],
  ])('compiles no plan for %s (graphql-js executes it)', (_name, query) => {
    expect(compileEventProjection(schema, prepared(query, { x: true }), readable)).toBeUndefined();
  });

  it('steps aside when reading the data throws (graphql-js makes it a field error)', () => {
    const p = prepared('subscription { onEvent { id } }');
    const projection = compileEventProjection(schema, p, readable);
    const hostile = {
      get id(): string {
        throw new TypeError('boom');
      },
    };
    expect(projection?.(hostile)).toBeUndefined();
    expect(graphqlJs(p, hostile).errors?.[0]?.message).toBe('boom');
  });
});
