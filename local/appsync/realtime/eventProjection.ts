/**
 * A subscriber's selection set compiled, once per fan-out group, into a plan
 * that projects a mutation's result exactly as graphql-js `executeSync` does
 * with plain property reads (see subscriptionIndex.ts): one root field, its
 * selection completed by execution/completionPlan.ts. Where the plan cannot
 * decide (a selection that is not plain, a value graphql-js would report an
 * error on) the caller executes the event with graphql-js, which produces
 * AppSync's error shape.
 */
import { Kind, getNamedType, isObjectType, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileCompletion } from '../execution/completionPlan.js';
import type { PreparedSubscription } from './prepareSubscription.js';

/** Projects one event: `{ data }` as graphql-js would return it, or `undefined` when graphql-js must decide. */
export type EventProjection = (event: unknown) => { data: Record<string, unknown> } | undefined;

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
 * `isReadable(type, field)`; `undefined` when the selection is not plain
 * (the root field alone may have arguments: the subscription's own).
 */
export function compileEventProjection(
  schema: GraphQLSchema,
  prepared: PreparedSubscription,
  isReadable: (typeName: string, fieldName: string) => boolean,
): EventProjection | undefined {
  const operation = selectedOperation(prepared);
  const subscriptionType = schema.getSubscriptionType();
  if (!operation || !subscriptionType || (operation.directives?.length ?? 0) > 0) return undefined;
  const [root, ...others] = operation.selectionSet.selections;
  if (!root || others.length > 0 || root.kind !== Kind.FIELD || (root.directives?.length ?? 0) > 0) return undefined;
  const responseName = root.alias?.value ?? root.name.value;
  const definition = subscriptionType.getFields()[root.name.value];
  if (!definition || responseName === '__proto__' || !isReadable(subscriptionType.name, root.name.value))
    return undefined;
  if (isObjectType(getNamedType(definition.type)) !== (root.selectionSet !== undefined)) return undefined;
  const complete = compileCompletion(definition.type, root.selectionSet, isReadable);
  if (!complete) return undefined;
  return (event) => {
    try {
      return { data: { [responseName]: complete(event) } };
    } catch {
      // NeedsExecution, or the data itself threw (a getter): graphql-js turns either into
      // the field error AppSync would send, so graphql-js gets the event.
      return undefined;
    }
  };
}
