/**
 * Opaque pagination tokens. AppSync encrypts DynamoDB's LastEvaluatedKey and
 * a token only works for the resolver that issued it; locally the token is
 * base64url JSON of the key and the caller id, and a token from another
 * resolver or function is refused.
 */
export class InvalidNextTokenError extends Error {
  override readonly name = 'InvalidNextTokenError';
}

export function encodeNextToken(lastEvaluatedKey: unknown, callerId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, r: callerId, k: lastEvaluatedKey }), 'utf8').toString('base64url');
}

export function decodeNextToken(token: string, callerId: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidNextTokenError('Invalid pagination token', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidNextTokenError('Invalid pagination token');
  const p = parsed as { v?: unknown; r?: unknown; k?: unknown };
  if (p.v !== 1 || typeof p.k !== 'object' || p.k === null) throw new InvalidNextTokenError('Invalid pagination token');
  if (p.r !== callerId) throw new InvalidNextTokenError('Invalid pagination token: it was issued for another resolver');
  return p.k as Record<string, unknown>;
}
