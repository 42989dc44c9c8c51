/**
 * Any thrown value as an Error: Errors pass through, an object with a string
 * `message` keeps it, anything else is turned into readable text.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string') {
    return new Error(value.message, { cause: value });
  }
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value) ?? String(value), { cause: value });
  } catch {
    // Circular or otherwise unserialisable: String() never throws for these.
    return new Error(String(value), { cause: value });
  }
}

/** The message of any thrown value. */
export function errorMessage(value: unknown): string {
  return toError(value).message;
}
