/**
 * Turns the `data` string of a `start` message into a validated subscription
 * operation: parse, validate against the schema, coerce variables, read the
 * root field's arguments. Parsed documents are cached by query text so a
 * thousand identical subscriptions are parsed and validated once.
 */
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { AppSyncErrorEntry } from './messages.js';
import { invalidSubscription, operationNotSubscription, badStart } from './errors.js';
import { isRecord } from '../../../lib/isRecord.js';
import { errorMessage } from '../../../lib/toError.js';
import { MAX_DOCUMENT_NESTING, MAX_DOCUMENT_TOKENS, nestingOverflowAt } from '../execution/documentNesting.js';

/** A subscription ready to register. */
export interface PreparedSubscription {
  query: string;
  operationName: string | undefined;
  document: DocumentNode;
  variables: Record<string, unknown>;
  /** The one root field of the subscription operation. */
  fieldName: string;
  /** Its arguments, as supplied (explicit nulls kept, omitted arguments absent). */
  args: Record<string, unknown>;
}

interface ParsedQuery {
  document: DocumentNode;
  errors: readonly GraphQLError[];
}

const MAX_CACHED_DOCUMENTS = 500;

function describe(errors: readonly GraphQLError[]): string {
  return errors.map((error) => error.message).join('; ');
}

/** Creates a preparer bound to one schema, with its own document cache. */
export function createSubscriptionPreparer(
  schema: GraphQLSchema,
): (data: string) => PreparedSubscription | AppSyncErrorEntry {
  const cache = new Map<string, ParsedQuery>();

  function parseAndValidate(query: string): ParsedQuery {
    const cached = cache.get(query);
    if (cached) return cached;
    let parsed: ParsedQuery;
    try {
      // The HTTP endpoint's guards: graphql-js's parser recurses per nesting level.
      if (nestingOverflowAt(query) >= 0)
        throw new GraphQLError(`Syntax Error: the document nests deeper than ${MAX_DOCUMENT_NESTING} levels.`);
      const document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
      parsed = { document, errors: validate(schema, document) };
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      parsed = { document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [error] };
    }
    if (cache.size >= MAX_CACHED_DOCUMENTS) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(query, parsed);
    return parsed;
  }

  return function prepare(data: string): PreparedSubscription | AppSyncErrorEntry {
    let request: unknown;
    try {
      request = JSON.parse(data);
    } catch (error) {
      return badStart(`payload.data is not JSON: ${errorMessage(error)}`);
    }
    if (!isRecord(request) || typeof request.query !== 'string')
      return badStart('payload.data must hold {"query": "...", "variables": {...}}');
    const query = request.query;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const rawVariables = request.variables ?? {};
    if (!isRecord(rawVariables)) return badStart('variables must be a JSON object');

    const { document, errors } = parseAndValidate(query);
    if (errors.length > 0) return invalidSubscription(describe(errors));
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      operationName === undefined
        ? operations.length === 1
          ? operations[0]
          : undefined
        : operations.find((o) => o.name?.value === operationName);
    if (!operation)
      return invalidSubscription(
        operationName === undefined
          ? 'Must provide operation name if query contains multiple operations.'
          : `Unknown operation named "${operationName}".`,
      );
    if (operation.operation !== 'subscription') return operationNotSubscription();

    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return invalidSubscription(describe(coerced.errors));
    // SingleFieldSubscriptionsRule (run by validate) guarantees exactly one root field.
    const rootField = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
    const subscriptionType = schema.getSubscriptionType();
    const fieldDef = rootField && subscriptionType?.getFields()[rootField.name.value];
    if (!rootField || !fieldDef)
      return invalidSubscription('The subscription must select one field of the Subscription type.');
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(fieldDef, rootField, coerced.coerced);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return invalidSubscription(error.message);
    }
    return { query, operationName, document, variables: coerced.coerced, fieldName: fieldDef.name, args };
  };
}
