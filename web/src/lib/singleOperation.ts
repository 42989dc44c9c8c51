/** Cutting a GraphQL document down to one operation. */
import { getOperationAST, Kind, parse, print } from 'graphql';

/**
 * The chosen operation alone (with the document's fragments): a subscription
 * `start` carries only the query text and variables, so a document with
 * several operations must be cut down to the one to run.
 */
export function singleOperation(query: string, operationName: string | null | undefined): string {
  const doc = parse(query);
  const op = getOperationAST(doc, operationName ?? undefined);
  if (!op) return query;
  return print({ ...doc, definitions: doc.definitions.filter((d) => d === op || d.kind === Kind.FRAGMENT_DEFINITION) });
}
