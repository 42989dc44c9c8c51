/**
 * A subscriber's selection set compiled, once per fan-out group, into a plan
 * that projects a mutation's result exactly as graphql-js `executeSync` does
 * with plain property reads (see subscriptionIndex.ts), without graphql-js's
 * per-field machinery (a 1,000-entry event is about 5,000 field executions).
 *
 * Compiled only for the plain shape: fields, aliases and `__typename` on
 * object, list, scalar and enum types. Anything else (fragments, directives,
 * arguments below the root field, abstract types, a response name selected
 * twice, a field the subscriber's auth mode may not read) gets no plan. At
 * run time, any value on which graphql-js would report an error (null in a
 * non-null field, a non-array for a list, a non-object for an object type, a
 * scalar that does not serialize) abandons the projection: the caller then
 * executes the event with graphql-js, which produces AppSync's error shape.
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
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { PreparedSubscription } from './prepareSubscription.js';

/** Projects one event: `{ data }` as graphql-js would return it, or `undefined` when graphql-js must decide. */
export type EventProjection = (event: unknown) => { data: Record<string, unknown> } | undefined;

/** Thrown inside a projection where graphql-js would report an error; never escapes the projection. */
class NeedsExecution extends Error {
  override name = 'NeedsExecution';
}

type Complete = (value: unknown) => unknown;

interface PlannedField {
  responseName: string;
  /** `__typename`: the parent type's name; otherwise a property read. */
  typename: string | undefined;
  fieldName: string;
  complete: Complete;
}

function selectedOperation(prepared: PreparedSubscription): OperationDefinitionNode | undefined {
  const operations = prepared.document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return prepared.operationName === undefined
    ? operations[0]
    : operations.find((o) => o.name?.value === prepared.operationName);
}

/**
 * Compiles the plan of `prepared` for readers whose auth mode may read
 * `isReadable(type, field)`; `undefined` when the selection is not plain.
 */
export function compileEventProjection(
  schema: GraphQLSchema,
  prepared: PreparedSubscription,
  isReadable: (typeName: string, fieldName: string) => boolean,
): EventProjection | undefined {
  const operation = selectedOperation(prepared);
  const subscriptionType = schema.getSubscriptionType();
  if (!operation || !subscriptionType || (operation.directives?.length ?? 0) > 0) return undefined;

  function completer(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): Complete | undefined {
    if (isNonNullType(type)) {
      const inner = completer(type.ofType, selectionSet);
      if (!inner) return undefined;
      return (value) => {
        const completed = inner(value);
        if (completed === null) throw new NeedsExecution();
        return completed;
      };
    }
    if (isListType(type)) {
      const item = completer(type.ofType, selectionSet);
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
        if (serialized === undefined) throw new NeedsExecution();
        return serialized;
      };
    }
    if (isObjectType(type) && selectionSet) {
      const fields = plan(type, selectionSet);
      if (!fields) return undefined;
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value !== 'object' || Array.isArray(value) || value instanceof Error) throw new NeedsExecution();
        return projectFields(fields, value as Record<string, unknown>);
      };
    }
    return undefined;
  }

  function plan(parent: GraphQLObjectType, selectionSet: SelectionSetNode): PlannedField[] | undefined {
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
      const isRoot = parent === subscriptionType;
      if (!definition || (!isRoot && (selection.arguments?.length ?? 0) > 0) || !isReadable(parent.name, fieldName))
        return undefined;
      if (isObjectType(getNamedType(definition.type)) !== (selection.selectionSet !== undefined)) return undefined;
      const complete = completer(definition.type, selection.selectionSet);
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

  const root = plan(subscriptionType, operation.selectionSet);
  if (!root || root.length !== 1) return undefined;
  return (event) => {
    try {
      return { data: projectFields(root, { [prepared.fieldName]: event }) };
    } catch {
      // NeedsExecution, or the data itself threw (a getter): graphql-js turns either into
      // the field error AppSync would send, so graphql-js gets the event.
      return undefined;
    }
  };
}
