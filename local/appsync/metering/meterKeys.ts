/**
 * The keys usage is counted under. Operations by their root fields (the
 * schema bounds them; client-chosen operation names do not), subscriptions by
 * field and arguments, e.g. `onLiveRankings(classId: 1)`.
 */

/** Keys longer than this are cut (argument values come from clients). */
export const MAX_KEY_LENGTH = 160;
/** The key of a request that never reached an operation (syntax, validation, unknown operation name). */
export const INVALID_OPERATION_KEY = '(invalid)';

function cut(key: string): string {
  return key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH - 1)}…` : key;
}

/** `Query.raceResults`, or `Query.a + Query.b` for a request with several root fields (each once, sorted). */
export function operationKey(rootTypeName: string, fieldNames: readonly string[]): string {
  const unique = [...new Set(fieldNames)].sort();
  if (unique.length === 0) return INVALID_OPERATION_KEY;
  return cut(unique.map((f) => `${rootTypeName}.${f}`).join(' + '));
}

/** `onLiveRankings(classId: 1)`: arguments sorted by name, values as JSON; no parentheses without arguments. */
export function subscriptionKey(fieldName: string, args: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(args).sort();
  if (names.length === 0) return cut(fieldName);
  return cut(`${fieldName}(${names.map((n) => `${n}: ${JSON.stringify(args[n]) ?? 'null'}`).join(', ')})`);
}
