/**
 * graphql-js validation, run one rule per event-loop turn for large
 * documents: validating a document of thousands of fields takes a few hundred
 * milliseconds in one piece, which other requests would wait out. A small
 * document (every real operation) is validated at once, as before.
 */
import { validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';

/** Documents longer than this (characters) are validated rule by rule. */
export const VALIDATE_IN_TURNS_ABOVE = 10_000;
/** graphql-js stops one validation at 100 errors; the rule-by-rule run keeps the same bound. */
const MAX_ERRORS = 100;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function validateInTurns(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: readonly ValidationRule[],
  sourceLength: number,
): Promise<readonly GraphQLError[]> {
  if (sourceLength <= VALIDATE_IN_TURNS_ABOVE) return validate(schema, document, rules);
  const errors: GraphQLError[] = [];
  for (const rule of rules) {
    await nextTurn();
    errors.push(...validate(schema, document, [rule], { maxErrors: MAX_ERRORS }));
    if (errors.length >= MAX_ERRORS) return errors.slice(0, MAX_ERRORS);
  }
  return errors;
}
