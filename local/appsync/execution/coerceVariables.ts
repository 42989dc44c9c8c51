/**
 * Coerces an operation's variables as graphql-js's `getVariableValues` does,
 * quickly when they are valid. AppSync's input coercion is reproduced with
 * graphql-js; its generic walk (type checks on every value, a path object per
 * field, an intermediate object per input object) costs as much as running
 * the resolvers when a request carries thousands of input values.
 *
 * Each input type gets, once per schema, a coercer built for it: plain
 * functions that return the coerced value of a valid input, read the input in
 * the same order as graphql-js, and give the same values (the same default
 * value objects, enum values and scalar results from the type's own
 * `parseValue`, plain objects with the fields in definition order, dense
 * arrays). Anything else (a missing or null required value, an unknown
 * field, a value a scalar refuses, an iterable that is not an array, a OneOf
 * input, an input that throws while it is read) makes the whole call go to
 * graphql-js, so that every error, its message and path, and the error limit
 * are graphql-js's own.
 */
import {
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  isScalarType,
  typeFromAST,
  valueFromAST,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';

/** What `getVariableValues` takes as options and gives back. */
export interface CoerceOptions {
  readonly maxErrors?: number;
  readonly hideSuggestions?: boolean;
}
export type CoercedVariables =
  | { readonly coerced: Record<string, unknown>; readonly errors?: never }
  | { readonly errors: readonly GraphQLError[]; readonly coerced?: never };

/** Thrown inside a coercer: the input is not the common valid case, graphql-js takes it. */
const UNUSUAL: unique symbol = Symbol('unusual input');

/** Coerces one value that is not null or undefined. */
type Coercer = (value: unknown) => unknown;

interface SchemaCoercers {
  /** By named type, made when first used. */
  readonly named: Map<string, Coercer>;
  /** Named types whose coercer is being made. */
  readonly building: Set<string>;
  /** By the variable definition's type node (documents are cached, so their nodes come again). */
  readonly byTypeNode: WeakMap<TypeNode, VariableCoercer | null>;
}

interface VariableCoercer {
  readonly type: GraphQLInputType;
  readonly nonNull: boolean;
  /** Coerces a value that is not null or undefined. */
  readonly coerce: Coercer;
}

const bySchema = new WeakMap<GraphQLSchema, SchemaCoercers>();
const arrayIterator = Array.prototype[Symbol.iterator];
/** Self-referencing input objects nested deeper than this are left to graphql-js. */
export const MAX_SELF_REFERENCE_DEPTH = 200;
let selfReferenceDepth = 0;

function unusual(): never {
  throw UNUSUAL;
}

/** A coercer for `type`, given a value that is not null or undefined. */
function coercerOf(type: GraphQLInputType, cache: SchemaCoercers): Coercer {
  if (isNonNullType(type)) return coercerOf(type.ofType, cache);
  if (isListType(type)) return listCoercer(itemCoercer(type.ofType, cache));
  const known = cache.named.get(type.name);
  if (known !== undefined) return known;
  if (cache.building.has(type.name)) {
    // An input object that refers to itself: its coercer is looked up when it runs. Its values may nest
    // as deep as the input does; past a depth graphql-js decides, so that a value too deep for its stack
    // fails there as it would.
    let named: Coercer | undefined;
    return (value) => {
      named ??= coercerOf(type, cache);
      if (selfReferenceDepth >= MAX_SELF_REFERENCE_DEPTH) unusual();
      selfReferenceDepth += 1;
      try {
        return named(value);
      } finally {
        selfReferenceDepth -= 1;
      }
    };
  }
  cache.building.add(type.name);
  const made = isInputObjectType(type) ? objectCoercer(type, cache) : leafCoercer(type);
  cache.building.delete(type.name);
  cache.named.set(type.name, made);
  return made;
}

/** A coercer for a list item or an input field: null and undefined are null where the type allows it. */
function itemCoercer(type: GraphQLInputType, cache: SchemaCoercers): Coercer {
  const coerce = coercerOf(type, cache);
  if (isNonNullType(type)) return (value) => (value == null ? unusual() : coerce(value));
  return (value) => (value == null ? null : coerce(value));
}

function listCoercer(item: Coercer): Coercer {
  return (value) => {
    if (typeof value === 'object') {
      // graphql-js iterates any iterable object; only arrays iterated the standard way are read here.
      if (Array.isArray(value) && (value as { [Symbol.iterator]: unknown })[Symbol.iterator] === arrayIterator) {
        const items: unknown[] = value;
        const out: unknown[] = [];
        for (let i = 0; i < items.length; i += 1) out.push(item(items[i]));
        return out;
      }
      if (typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') unusual();
    }
    // A value that is not a list is a list of one.
    return [item(value)];
  };
}

function objectCoercer(type: Extract<GraphQLInputType, { getFields: unknown }>, cache: SchemaCoercers): Coercer {
  if (type.isOneOf) return unusual;
  const defs = Object.values(type.getFields());
  // Coerced fields are set on a plain object: a field named like an Object.prototype accessor would not be.
  if (defs.some((d) => d.name === '__proto__')) return unusual;
  const fields = defs.map((def) => ({
    def,
    required: isNonNullType(def.type),
    coerce: itemCoercer(def.type, cache),
  }));
  const known: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const { def } of fields) known[def.name] = true;
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return unusual();
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const { def, required, coerce } of fields) {
      const fieldValue = input[def.name];
      if (fieldValue === undefined) {
        if (def.defaultValue !== undefined) out[def.name] = def.defaultValue;
        else if (required) unusual();
        continue;
      }
      out[def.name] = coerce(fieldValue);
    }
    for (const key of Object.keys(input)) if (known[key] !== true) unusual();
    return out;
  };
}

function leafCoercer(type: GraphQLInputType): Coercer {
  if (!isScalarType(type) && !isEnumType(type)) return unusual;
  return (value) => {
    const parsed: unknown = type.parseValue(value);
    return parsed === undefined ? unusual() : parsed;
  };
}

function variableCoercer(schema: GraphQLSchema, cache: SchemaCoercers, node: TypeNode): VariableCoercer | null {
  const known = cache.byTypeNode.get(node);
  if (known !== undefined) return known;
  // typeFromAST's overloads want a narrowed node; every TypeNode is one of them.
  const type = typeFromAST(schema, node as Parameters<typeof typeFromAST>[1]);
  const made =
    type !== undefined && isInputType(type)
      ? { type, nonNull: isNonNullType(type), coerce: coercerOf(type, cache) }
      : null;
  cache.byTypeNode.set(node, made);
  return made;
}

/**
 * The coerced variables when they are the common valid case, or null when
 * graphql-js must coerce them (they may still be valid).
 */
export function coerceCommonCase(
  schema: GraphQLSchema,
  varDefNodes: readonly VariableDefinitionNode[],
  inputs: unknown,
): Record<string, unknown> | null {
  if (typeof inputs !== 'object' || inputs === null) return null;
  try {
    return coerceEach(schema, varDefNodes, inputs as Readonly<Record<string, unknown>>);
  } catch (err) {
    // Anything thrown (UNUSUAL, an input that throws while it is read, a stack overflow) is graphql-js's to report.
    void err;
    return null;
  }
}

function coerceEach(
  schema: GraphQLSchema,
  varDefNodes: readonly VariableDefinitionNode[],
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  let cache = bySchema.get(schema);
  if (cache === undefined) {
    cache = { named: new Map(), building: new Set(), byTypeNode: new WeakMap() };
    bySchema.set(schema, cache);
  }
  // Variable names come from the document and may be any name, `__proto__` too: collected as graphql-js does.
  const coerced = Object.create(null) as Record<string, unknown>;
  for (const def of varDefNodes) {
    const variable = variableCoercer(schema, cache, def.type);
    if (variable === null) unusual();
    const name = def.variable.name.value;
    if (!Object.prototype.hasOwnProperty.call(inputs, name)) {
      if (def.defaultValue) coerced[name] = valueFromAST(def.defaultValue, variable.type);
      else if (variable.nonNull) unusual();
      continue;
    }
    const value = inputs[name];
    if (value == null) {
      if (variable.nonNull) unusual();
      coerced[name] = null;
      continue;
    }
    coerced[name] = variable.coerce(value);
  }
  return { ...coerced };
}

/**
 * `getVariableValues(schema, varDefNodes, inputs, options)` of graphql-js:
 * the same `{ coerced }` for valid variables, graphql-js's own answer otherwise.
 */
export function coerceVariables(
  schema: GraphQLSchema,
  varDefNodes: readonly VariableDefinitionNode[],
  inputs: Readonly<Record<string, unknown>>,
  options?: CoerceOptions,
): CoercedVariables {
  const coerced = coerceCommonCase(schema, varDefNodes, inputs);
  if (coerced !== null) return { coerced };
  return getVariableValues(schema, varDefNodes, inputs, options) as CoercedVariables;
}
