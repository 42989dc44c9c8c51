import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GraphQLError,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { bandsMutation } from '../../functions/aggregator/publishLiveBands.js';
import { buildAppSyncSchema } from '../../local/appsync/execution/buildAppSyncSchema.js';
import {
  MAX_SELF_REFERENCE_DEPTH,
  coerceCommonCase,
  coerceVariables,
  type CoerceOptions,
} from '../../local/appsync/execution/coerceVariables.js';
import { seededRandom } from '../../local/simulator/prng.js';

const schema = buildAppSyncSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/** Features our API does not use (input field defaults, self-reference, OneOf), with AppSync's scalars. */
const featureSchema = buildAppSyncSchema(`
  type Query { f(a: Opts): Int }
  enum Color { RED GREEN }
  input Inner { x: Int!, y: [Int] = [1, 2] }
  input Opts { n: Int = 7, color: Color = RED, tags: [String!] = ["a"], inner: Inner = { x: 1 }, req: Int!, when: AWSDateTime }
  input Tree { value: Int, children: [Tree!], next: Tree }
  input Pick @oneOf { a: Int, b: String }
`);

function definitions(text: string): readonly VariableDefinitionNode[] {
  const op = parse(`query Q(${text}) { __typename }`).definitions[0] as OperationDefinitionNode;
  return op.variableDefinitions ?? [];
}

function errorShape(e: Error) {
  const g = e instanceof GraphQLError ? e : null;
  return {
    name: e.name,
    message: e.message,
    locations: g?.locations,
    path: g?.path,
    original: g?.originalError?.message,
  };
}

/**
 * Checks coerceVariables against graphql-js's getVariableValues for one input: the same coerced values
 * (plain objects, same keys in the same order) or the same errors, and the fast path taken only when
 * graphql-js accepts the input. Says whether graphql-js accepted it and whether the fast path took it.
 */
function expectSameAsGraphql(
  s: GraphQLSchema,
  defs: readonly VariableDefinitionNode[],
  inputs: unknown,
  options?: CoerceOptions,
): { valid: boolean; fast: boolean } {
  const raw = inputs as Record<string, unknown>;
  const expected = getVariableValues(s, defs, raw, options);
  const actual = coerceVariables(s, defs, raw, options);
  const fast = coerceCommonCase(s, defs, inputs);
  if (expected.errors) {
    expect(fast).toBeNull();
    expect(actual.coerced).toBeUndefined();
    expect(actual.errors?.map(errorShape)).toEqual(expected.errors.map(errorShape));
  } else {
    expect(actual.errors).toBeUndefined();
    expect(actual.coerced).toStrictEqual(expected.coerced);
    expect(Object.keys(actual.coerced ?? {})).toEqual(Object.keys(expected.coerced));
    if (fast !== null) expect(fast).toStrictEqual(expected.coerced);
  }
  return { valid: !expected.errors, fast: fast !== null };
}

const SCALAR_SAMPLES: Record<string, readonly unknown[]> = {
  Int: [0, 1, -1, 42, 2147483647, -2147483648, 1e3],
  Float: [0, -0, 1.5, -273.15, 1e300, 5e-324, 42],
  String: ['', 'a', 'Zoë Ünïcödé 🚲', ' ', 'x'.repeat(300)],
  Boolean: [true, false],
  ID: ['r1', '', 'racer-42', 7, 0, -3],
  AWSDateTime: ['2026-12-07T14:00:00.000Z', '2026-02-28T23:59:59+01:00', '2024-02-29T00:00Z'],
  AWSDate: ['2026-12-07', '2024-02-29Z'],
  AWSTime: ['14:00', '14:00:00.123Z', '23:59:59+05:30'],
  AWSTimestamp: [0, 1765116000, -1],
  AWSEmail: ['a@b.co', 'rider+1@example.org'],
  AWSJSON: ['{"a":[1,2,{"b":null}]}', '1', '"s"', 'null', '[]'],
  AWSURL: ['https://example.org/x?y=1', 'mailto:a@b.co'],
  AWSPhone: ['+44 20 7946 0958', '555-0100'],
  AWSIPAddress: ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32'],
};

const BAD_VALUES: readonly unknown[] = [
  1.5,
  2147483648,
  -2147483649,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '1',
  'x',
  'UPDATE',
  'update',
  '2026-02-30',
  '2026-12-07T14:00:00',
  '{not json',
  true,
  null,
  undefined,
  {},
  [],
  [null],
  { unexpected: 1 },
  12,
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function inputNamedTypes(s: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(s.getTypeMap()).filter((t) => !t.name.startsWith('__') && isInputType(t));
}

function randomTypeText(random: () => number, named: readonly GraphQLNamedType[]): string {
  let text = pick(random, named).name;
  for (let depth = 0; depth < 2 && random() < 0.35; depth += 1) {
    if (random() < 0.5) text += '!';
    text = `[${text}]`;
  }
  return random() < 0.5 ? `${text}!` : text;
}

/** A value graphql-js accepts for `type`, in the shapes a client may send (lists as one value, omitted fields…). */
function validValue(random: () => number, type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return presentValue(random, type.ofType, depth);
  // A nullable position: sometimes null, or undefined (which graphql-js takes as null or as absent).
  const roll = random();
  if (roll < 0.06) return null;
  if (roll < 0.08) return undefined;
  return presentValue(random, type, depth);
}

function presentValue(random: () => number, type: GraphQLInputType, depth: number): unknown {
  if (isNonNullType(type)) return presentValue(random, type.ofType, depth);
  if (isListType(type)) {
    const item = type.ofType as GraphQLInputType;
    if (random() < 0.2) return presentValue(random, item, depth + 1);
    const length = Math.floor(random() * (depth > 2 ? 2 : 5));
    return Array.from({ length }, () =>
      isNonNullType(item) ? presentValue(random, item, depth + 1) : validValue(random, item, depth + 1),
    );
  }
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      if (!required && (depth > 3 || random() < 0.25)) continue;
      out[field.name] = required
        ? presentValue(random, field.type, depth + 1)
        : validValue(random, field.type, depth + 1);
    }
    return out;
  }
  if (isEnumType(type)) return pick(random, type.getValues()).name;
  if (isScalarType(type)) return pick(random, SCALAR_SAMPLES[type.name] ?? ['?']);
  throw new Error(`no sample for ${String(type)}`);
}

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `value` (itself included), with the values at their keys. */
function containers(value: unknown, out: Container[] = []): Container[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value as Container);
  for (const child of Object.values(value)) containers(child, out);
  return out;
}

/** Breaks `inputs` the way a careless client or a cheater would: a wrong value, an extra or missing field. */
function mutate(random: () => number, inputs: Record<string, unknown>): void {
  const all = containers(inputs);
  const target = pick(random, all);
  const keys = Object.keys(target);
  const roll = random();
  if (roll < 0.55 && keys.length > 0) {
    const key = pick(random, keys);
    (target as Record<string, unknown>)[key] = pick(random, BAD_VALUES);
  } else if (roll < 0.75 && !Array.isArray(target)) {
    target[pick(random, ['ranK', 'extra', 'racerID', 'constructor', 'toString'])] = 1;
  } else if (keys.length > 0) {
    const key = pick(random, keys);
    if (Array.isArray(target)) target.splice(Number(key), 1, undefined);
    else delete target[key];
  }
}

describe('coerceVariables gives what graphql-js getVariableValues gives', () => {
  it('on thousands of generated variable sets over every input type of our schema, valid and broken', () => {
    const named = inputNamedTypes(schema);
    const random = seededRandom(20261207);
    let validCases = 0;
    let invalidCases = 0;
    for (let round = 0; round < 1500; round += 1) {
      const count = 1 + Math.floor(random() * 4);
      const texts = Array.from({ length: count }, () => randomTypeText(random, named));
      const defs = definitions(texts.map((t, i) => `$v${i}: ${t}`).join(', '));
      const inputs: Record<string, unknown> = {};
      texts.forEach((text, i) => {
        if (random() < 0.05 && !text.endsWith('!')) return;
        inputs[`v${i}`] = validValue(random, typeFromText(text));
      });
      const valid = expectSameAsGraphql(schema, defs, inputs, { maxErrors: 50 });
      // JSON-shaped input that graphql-js accepts always takes the fast path.
      expect(valid.fast).toBe(valid.valid);
      if (valid.valid) validCases += 1;
      const broken = structuredClone(inputs);
      mutate(random, broken);
      if (random() < 0.5) mutate(random, broken);
      const outcome = expectSameAsGraphql(schema, defs, broken, { maxErrors: random() < 0.5 ? 1 : 50 });
      expect(outcome.fast).toBe(outcome.valid);
      if (!outcome.valid) invalidCases += 1;
    }
    expect(validCases).toBeGreaterThan(1200);
    expect(invalidCases).toBeGreaterThan(600);
  });

  it('on the bands the aggregator publishes: 50 aliased LiveBandInput variables of 50 entries', () => {
    const op = parse(bandsMutation(50)).definitions[0] as OperationDefinitionNode;
    const inputs = Object.fromEntries(Array.from({ length: 50 }, (_, b) => [`b${b}`, band(b, 50)]));
    expect(expectSameAsGraphql(schema, op.variableDefinitions ?? [], inputs, { maxErrors: 50 })).toEqual({
      valid: true,
      fast: true,
    });
    const coerced = coerceVariables(schema, op.variableDefinitions ?? [], inputs).coerced ?? {};
    expect(Object.keys(coerced)).toHaveLength(50);
  });

  describe('on hand-picked edge cases', () => {
    const cases: Array<[string, string, unknown]> = [
      ['Int at the 32-bit bounds', '$a: Int!, $b: Int!', { a: 2147483647, b: -2147483648 }],
      ['Int past 32 bits', '$a: Int', { a: 2147483648 }],
      ['Int below 32 bits', '$a: Int', { a: -2147483649 }],
      ['a float for Int', '$a: Int', { a: 1.5 }],
      ['an integral float for Int', '$a: Int', { a: 3.0 }],
      ['-0 for Int and Float', '$a: Int, $b: Float', { a: -0, b: -0 }],
      ['a numeric string for Int', '$a: Int', { a: '1' }],
      ['NaN for Float', '$a: Float!', { a: Number.NaN }],
      ['Infinity for Float', '$a: Float', { a: Number.POSITIVE_INFINITY }],
      ['an integer ID', '$a: ID!', { a: 42 }],
      ['a float ID', '$a: ID!', { a: 4.2 }],
      ['an enum by name', '$a: TelemetryEvent!', { a: 'final' }],
      ['an enum in the wrong case', '$a: TelemetryEvent!', { a: 'FINAL' }],
      ['an enum misspelt (suggestions)', '$a: TelemetryEvent!', { a: 'updat' }],
      ['an enum as a number', '$a: AllTimeOrder', { a: 1 }],
      ['an extra field (suggestions)', '$a: LiveBandEntryInput!', { a: { ...entry(1), ranks: 2 } }],
      ['a field inherited from Object.prototype', '$a: LiveBandEntryInput!', { a: { ...entry(1), constructor: 1 } }],
      ['a missing required field', '$a: LiveBandEntryInput!', { a: { rank: 1, racerId: 'r', output: 1 } }],
      ['an omitted nullable field', '$a: LiveBandEntryInput!', { a: { rank: 1, racerId: 'r', output: 1, second: 2 } }],
      ['a nullable field undefined', '$a: LiveBandEntryInput', { a: { ...entry(1), name: undefined } }],
      ['a required field null', '$a: LiveBandEntryInput', { a: { ...entry(1), rank: null } }],
      ['a null in a list of non-null', '$a: LiveBandInput!', { a: { ...band(0, 2), entries: [entry(1), null] } }],
      ['a null in a list of nullable', '$a: [Int]', { a: [1, null, 3] }],
      ['a hole in a list', '$a: [Int]', { a: [1, , 3] }],
      ['a null list of enums', '$a: LiveEntryInput!', { a: { ...entry(1), flags: null } }],
      ['a single enum for a list of enums', '$a: LiveEntryInput!', { a: { ...entry(1), flags: 'speed' } }],
      ['a single entry for the list of entries', '$a: LiveBandInput!', { a: { ...band(0, 1), entries: entry(1) } }],
      ['nested lists', '$a: [[Int]]', { a: [[1, null], [], [2]] }],
      ['a single value for nested lists', '$a: [[Int!]!]!', { a: 5 }],
      ['a flat list for nested lists', '$a: [[Int]]', { a: [1, 2] }],
      ['a list for an input object', '$a: LiveBandEntryInput', { a: [entry(1)] }],
      ['a string for an input object', '$a: LiveBandEntryInput', { a: 'x' }],
      ['an object for a scalar', '$a: String', { a: { toString: 'x' } }],
      ['a valid AWSDateTime', '$a: AWSDateTime!', { a: '2026-12-07T14:00:00Z' }],
      ['an AWSDateTime without offset', '$a: AWSDateTime!', { a: '2026-12-07T14:00:00' }],
      ['an impossible AWSDate', '$a: AWSDate', { a: '2026-02-30' }],
      ['AWSJSON parsed', '$a: AWSJSON', { a: '{"x":[1,{"y":null}]}' }],
      ['AWSJSON malformed', '$a: AWSJSON', { a: '{x' }],
      ['a fractional AWSTimestamp', '$a: AWSTimestamp', { a: 1.5 }],
      ['a required variable missing', '$a: Int!', {}],
      ['a required variable null', '$a: Int!', { a: null }],
      ['a required variable undefined', '$a: LiveBandInput!', { a: undefined }],
      ['a nullable variable missing', '$a: Int', {}],
      ['a nullable variable undefined', '$a: Int', { a: undefined }],
      ['variable defaults, omitted', '$a: Int = 5, $b: TelemetryEvent = final, $c: [Int] = 1', {}],
      ['variable defaults, given null', '$a: Int = 5, $b: [String!] = ["x"]', { a: null, b: null }],
      ['an input object default', '$a: LiveBandEntryInput = {rank: 1, racerId: 7, output: 2.5, second: 3}', {}],
      ['an unknown variable type', '$a: Nope', { a: 1 }],
      ['an output type as a variable type', '$a: LiveBand', { a: {} }],
      ['a variable defined twice', '$a: Int, $a: String', { a: 'x' }],
      ['a variable named __proto__', '$__proto__: Int, $b: Int', JSON.parse('{"__proto__": 3, "b": 4}')],
      ['an input field named __proto__', '$a: LiveBandEntryInput', { a: JSON.parse('{"__proto__": 1}') }],
      ['variables given that the operation does not define', '$a: Int', { a: 1, b: 2 }],
    ];
    for (const [name, text, inputs] of cases)
      it(name, () => {
        expectSameAsGraphql(schema, definitions(text), inputs, { maxErrors: 50 });
        expectSameAsGraphql(schema, definitions(text), inputs);
      });

    it('errors past the limit end with graphql-js’s "Too many errors", whatever the limit and suggestions', () => {
      const defs = definitions('$a: Int!, $b: Int!, $c: LiveBandEntryInput!, $d: TelemetryEvent');
      const inputs = { a: 'x', b: null, c: { ranks: 1 }, d: 'updat' };
      for (const maxErrors of [undefined, 0, 1, 2, 5])
        for (const hideSuggestions of [false, true]) {
          const { valid } = expectSameAsGraphql(schema, defs, inputs, {
            ...(maxErrors === undefined ? {} : { maxErrors }),
            hideSuggestions,
          });
          expect(valid).toBe(false);
        }
    });

    it('inputs that are not an object of variables', () => {
      for (const inputs of [null, 'x', 1, [1]]) expectSameAsGraphql(schema, definitions('$a: Int'), inputs);
    });

    it('objects that are not JSON: class instances, null prototypes, inherited fields, getters that throw', () => {
      const defs = definitions('$a: LiveBandEntryInput, $l: [Int]');
      class Entry {
        rank = 1;
        racerId = 'r';
        output = 1;
        second = 2;
      }
      const inherited = Object.create(entry(1)) as Record<string, unknown>;
      const throwing = Object.defineProperty({ ...entry(1) }, 'name', {
        enumerable: true,
        get: () => {
          throw new Error('read refused');
        },
      });
      const cases: unknown[] = [
        { a: new Entry() },
        { a: Object.assign(Object.create(null) as object, entry(1)) },
        { a: inherited },
        { a: throwing },
        { a: new Date(0) },
        { a: new Map([['rank', 1]]) },
        { l: new Set([1, 2]) },
        { l: new Int32Array([1, 2]) },
        { l: Object.assign([1, 2], { [Symbol.iterator]: [7][Symbol.iterator].bind([7]) }) },
        { l: new String('12') },
        { l: 'ab' },
        Object.assign(Object.create({ a: entry(1) }) as object, { l: [1] }),
      ];
      for (const inputs of cases) expectSameAsGraphql(schema, defs, inputs, { maxErrors: 50 });
    });
  });

  describe('on input features our API does not use yet', () => {
    it('input field defaults: the same values, the very default objects graphql-js gives', () => {
      const defs = definitions('$o: Opts, $i: [Inner!]');
      for (const inputs of [
        { o: { req: 1 } },
        { o: { req: 1, n: null, tags: null, inner: { x: 2 } } },
        { o: { req: 1, n: undefined, color: 'GREEN', tags: 'b', when: '2026-12-07T14:00Z' } },
        { o: { req: 1, color: 'BLUE' } },
        { o: {} },
        { i: { x: 1 } },
        {
          i: [
            { x: 1, y: null },
            { x: 2, y: 3 },
          ],
        },
      ])
        expectSameAsGraphql(featureSchema, defs, inputs, { maxErrors: 50 });
      const opts = featureSchema.getType('Opts');
      if (!isInputObjectType(opts)) throw new Error('Opts is an input');
      const fast = coerceCommonCase(featureSchema, defs, { o: { req: 1 } }) as { o: Record<string, unknown> };
      expect(fast.o.inner).toBe(opts.getFields().inner?.defaultValue);
      expect(fast.o.tags).toBe(opts.getFields().tags?.defaultValue);
    });

    it('a self-referencing input type, as deep as graphql-js goes and deeper', () => {
      const defs = definitions('$t: Tree');
      const nested = (depth: number) => {
        let tree: Record<string, unknown> = { value: 0 };
        for (let i = 1; i < depth; i += 1)
          tree = { value: i, next: tree, children: i % 3 === 0 ? [{ value: -i }] : [] };
        return { t: tree };
      };
      expect(expectSameAsGraphql(featureSchema, defs, nested(MAX_SELF_REFERENCE_DEPTH - 10))).toEqual({
        valid: true,
        fast: true,
      });
      // Past the depth the fast path keeps to, graphql-js coerces (and may run out of stack) itself.
      expect(expectSameAsGraphql(featureSchema, defs, nested(MAX_SELF_REFERENCE_DEPTH + 10)).fast).toBe(false);
      expectSameAsGraphql(featureSchema, defs, nested(100_000), { maxErrors: 50 });
    });

    it('lists of input objects given as other iterables, or as one object', () => {
      const defs = definitions('$ts: [Tree]');
      for (const inputs of [
        { ts: new Set([{ value: 1 }, { value: 2 }]) },
        { ts: new Map([['value', 1]]) },
        { ts: { value: 1 } },
        { ts: [{ value: 1 }, null, {}] },
      ])
        expectSameAsGraphql(featureSchema, defs, inputs);
    });

    it('OneOf inputs are left to graphql-js', () => {
      const defs = definitions('$p: Pick');
      for (const inputs of [{ p: { a: 1 } }, { p: { a: 1, b: 'x' } }, { p: { a: null } }, { p: {} }])
        expect(expectSameAsGraphql(featureSchema, defs, inputs).fast).toBe(false);
    });
  });

  describe('against a flood', () => {
    it('one band of 100,000 entries: the same values', () => {
      const defs = definitions('$b: LiveBandInput!');
      expect(expectSameAsGraphql(schema, defs, { b: band(0, 100_000) }, { maxErrors: 50 })).toEqual({
        valid: true,
        fast: true,
      });
    });

    it('100,000 entries that are all wrong, or only the last: graphql-js’s errors, up to its limit', () => {
      const defs = definitions('$b: LiveBandInput!');
      const allWrong = band(0, 100_000);
      for (const e of allWrong.entries) e.rank = 'first';
      const lastWrong = band(0, 100_000);
      lastWrong.entries[99_999]!.extra = true;
      for (const inputs of [{ b: allWrong }, { b: lastWrong }]) {
        expect(expectSameAsGraphql(schema, defs, inputs, { maxErrors: 50 }).valid).toBe(false);
      }
      const errors = coerceVariables(schema, defs, { b: allWrong }, { maxErrors: 50 }).errors ?? [];
      expect(errors).toHaveLength(51);
      expect(errors[50]?.message).toBe('Too many errors processing variables, error limit reached. Execution aborted.');
    });

    it('2,000 variables in one operation, one of them wrong', () => {
      const defs = definitions(Array.from({ length: 2000 }, (_, i) => `$v${i}: LiveBandEntryInput!`).join(', '));
      const inputs = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`v${i}`, entry(i)]));
      expect(expectSameAsGraphql(schema, defs, inputs, { maxErrors: 50 }).fast).toBe(true);
      inputs.v1999 = { ...entry(1), output: 'lots' };
      expect(expectSameAsGraphql(schema, defs, inputs, { maxErrors: 50 }).valid).toBe(false);
    });

    it('a list nested far deeper than its type', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 10_000; i += 1) deep = [deep];
      expectSameAsGraphql(schema, definitions('$a: [[Int]]'), { a: deep }, { maxErrors: 50 });
    });
  });
});

function typeFromText(text: string): GraphQLInputType {
  const node = definitions(`$x: ${text}`)[0]!.type;
  const type = typeFromAST(schema, node as Parameters<typeof typeFromAST>[1]);
  if (!type || !isInputType(type)) throw new Error(`${text} is not an input type`);
  return type;
}

function entry(i: number): Record<string, unknown> {
  return { rank: i + 1, racerId: `racer-${i}`, name: `Rider ${i}`, output: 100 + i / 3, second: 1800 };
}

function band(b: number, size: number): { entries: Array<Record<string, unknown>> } & Record<string, unknown> {
  return {
    classId: 3,
    raceId: 123456,
    updatedAt: '2026-12-07T14:00:00.000Z',
    band: b,
    totalRiders: 50_000,
    entries: Array.from({ length: size }, (_, i) => entry(b * size + i)),
  };
}
