/**
 * A selection set compiled into a plan that completes a plain value exactly
 * as graphql-js does with plain property reads, without graphql-js's
 * per-field machinery (a band of 50 entries is about 250 field executions).
 * Used for subscription events (realtime/eventProjection.ts) and for the
 * results of root fields run in slices (resolvedRoots.ts).
 *
 * Compiled only for the plain shape: fields, aliases and `__typename` on
 * object, list, scalar and enum types, with no arguments. Anything else
 * (fragments, directives, arguments, abstract types, a response name selected
 * twice, a field the reader may not read plainly) gets no plan. At run time,
 * any value on which graphql-js would report an error (null in a non-null
 * field, a non-array for a list, a non-object for an object type, an Error,
 * a scalar that does not serialize) throws NeedsExecution: the caller then
 * lets graphql-js complete the value, which produces the error.
 */
import {
  Kind,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';

/** Thrown by a plan where graphql-js would report an error. */
export class NeedsExecution extends Error {
  override name = 'NeedsExecution';
}

/** Completes one value (throws NeedsExecution where graphql-js must decide). */
export type Complete = (value: unknown) => unknown;

interface PlannedField {
  responseName: string;
  /** `__typename`: the parent type's name; otherwise a property read. */
  typename: string | undefined;
  fieldName: string;
  complete: Complete;
}

/**
 * The plan completing a value of `type` selected by `selectionSet`, for a
 * reader that may read `isReadable(type, field)` as a plain property;
 * `undefined` when the selection is not plain.
 */
export function compileCompletion(
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  isReadable: (typeName: string, fieldName: string) => boolean,
): Complete | undefined {
  if (isNonNullType(type)) {
    const inner = compileCompletion(type.ofType, selectionSet, isReadable);
    if (!inner) return undefined;
    return (value) => {
      const completed = inner(value);
      if (completed === null) throw new NeedsExecution();
      return completed;
    };
  }
  if (isListType(type)) {
    const item = compileCompletion(type.ofType, selectionSet, isReadable);
    if (!item) return undefined;
    return (value) => {
      if (value === null || value === undefined) return null;
      if (!Array.isArray(value)) throw new NeedsExecution();
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i += 1) out[i] = item(value[i]);
      return out;
    };
  }
  if (isScalarType(type) || isEnumType(type)) {
    return (value) => {
      if (value === null || value === undefined) return null;
      if (value instanceof Error) throw new NeedsExecution();
      let serialized: unknown;
      try {
        serialized = type.serialize(value);
      } catch (error) {
        // graphql-js turns a serializer's error into a field error: let it.
        throw new NeedsExecution('serializer refused the value', { cause: error });
      }
      // graphql-js reports a serializer that gives nothing.
      if (serialized === undefined || serialized === null) throw new NeedsExecution();
      return serialized;
    };
  }
  if (isObjectType(type) && selectionSet) {
    const fields = plan(type, selectionSet, isReadable);
    if (!fields) return undefined;
    return (value) => {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Error) throw new NeedsExecution();
      return projectFields(fields, value as Record<string, unknown>);
    };
  }
  return undefined;
}

function plan(
  parent: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  isReadable: (typeName: string, fieldName: string) => boolean,
): PlannedField[] | undefined {
  const fields: PlannedField[] = [];
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || (selection.directives?.length ?? 0) > 0) return undefined;
    const responseName = selection.alias?.value ?? selection.name.value;
    // `__proto__` as a response name would set a plain object's prototype (see projectFields): graphql-js decides.
    if (names.has(responseName) || responseName === '__proto__') return undefined;
    names.add(responseName);
    const fieldName = selection.name.value;
    if (fieldName === '__typename') {
      fields.push({ responseName, typename: parent.name, fieldName, complete: (v) => v });
      continue;
    }
    const definition = parent.getFields()[fieldName];
    if (!definition || (selection.arguments?.length ?? 0) > 0 || !isReadable(parent.name, fieldName)) return undefined;
    if (isObjectType(getNamedType(definition.type)) !== (selection.selectionSet !== undefined)) return undefined;
    const complete = compileCompletion(definition.type, selection.selectionSet, isReadable);
    if (!complete) return undefined;
    fields.push({ responseName, typename: undefined, fieldName, complete });
  }
  return fields;
}

function projectFields(fields: readonly PlannedField[], source: Record<string, unknown>): Record<string, unknown> {
  // graphql-js builds its result objects without a prototype; JSON is the same either way, and a plain
  // object is quicker to fill and to serialize.
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field.responseName] = field.typename ?? field.complete(source[field.fieldName]);
  return out;
}
