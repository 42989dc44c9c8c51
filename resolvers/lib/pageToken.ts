/**
 * Page tokens as clients see them: the cursor of resolvers/lib/cursor.ts,
 * base64-encoded. A token that is not one of ours, or one issued by another
 * query (another class, race or order), is refused with a ValidationError
 * naming `nextToken` rather than passed on to DynamoDB.
 */
import { util } from '@aws-appsync/utils';
import { formatCursor, isBase64, parseCursor, type Cursor } from './cursor.js';
import type { RankState } from '../../core/ranking.js';

/** The token of the next page, or null when there is none (`resume` empty: this was the last page). */
export function encodePageToken(scope: string, state: RankState, resume: unknown): string | null {
  if (typeof resume !== 'string' || resume.length === 0) return null;
  return util.base64Encode(formatCursor({ scope, state, resume }));
}

/** The token of the page before one whose first item is at `key` with `state`; null when that item is first. */
export function encodePreviousToken(scope: string, state: RankState | null, key: unknown): string | null {
  if (state === null || state.position <= 1 || typeof key !== 'string' || key.length === 0) return null;
  return util.base64Encode(formatCursor({ scope, state, resume: key, before: true }));
}

/**
 * The cursor of a client's nextToken argument; null when there is none (first page).
 * A token of the page before is taken only where `upwards` says the query reads them.
 */
export function decodePageToken(token: unknown, scope: string, upwards = false): Cursor | null {
  if (token === undefined || token === null) return null;
  if (typeof token !== 'string' || !isBase64(token)) {
    util.error('nextToken is not a token issued by this query', 'ValidationError', null, { field: 'nextToken' });
  }
  const cursor = parseCursor(util.base64Decode(token), scope);
  if (cursor === null || (cursor.before === true && !upwards)) {
    util.error('nextToken is not a token issued by this query', 'ValidationError', null, { field: 'nextToken' });
  }
  return cursor;
}
