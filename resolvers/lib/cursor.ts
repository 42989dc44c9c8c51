/**
 * The resolver-level page token. Where to resume is either AppSync's DynamoDB
 * nextToken (`races`, one partition) or, for the ranked readers that merge
 * write-sharded partitions (raceResults, allTimeRankings), the sort key of
 * the last item returned: the next page starts after that key, so a sweep
 * depends on no position that an index update could shift. Ranks consistent
 * across pages also need the position, rank and score of the last item
 * returned, and a token must not be replayed against another query:
 *
 *   base64("c2|<scope>|<position>|<rank>|<units>|<resume>")
 *
 * A token of the page before (a page's previousToken) reads upwards: the
 * page ends just before a sort key, and the state is that of the item at the
 * key (the first item of the page the token came with):
 *
 *   base64("p2|<scope>|<position>|<rank>|<units>|<before>")
 *
 * A delimited string rather than JSON because APPSYNC_JS's JSON.parse returns
 * "" on bad input where Node throws: a hand-written parser behaves the same
 * in both, and rejects a malformed token instead of guessing.
 * This module is pure (no util): resolvers/lib/pageToken.ts adds base64.
 */
import type { RankState } from '../../core/ranking.js';

const VERSION = 'c2';
const VERSION_BEFORE = 'p2';
const SEP = '|';
const DIGITS = '0123456789';
const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
/** Longest integer we accept in a cursor (15 digits: below 2^53). */
const MAX_DIGITS = 15;

/** What a page token holds. */
export interface Cursor {
  /** The query the token belongs to (its partition key). */
  readonly scope: string;
  /** Rank state after the page that issued the token. */
  readonly state: RankState;
  /** Where the next page starts: DynamoDB's (AppSync's) nextToken, or the sort key of the last item returned. */
  readonly resume: string;
  /** True for a token of the page before: it ends just before `resume`, and `state` is the item at `resume`. */
  readonly before?: boolean;
}

/** The cursor as the plain string that gets base64-encoded. */
export function formatCursor(cursor: Cursor): string {
  const s = cursor.state;
  return [
    cursor.before === true ? VERSION_BEFORE : VERSION,
    cursor.scope,
    `${s.position}`,
    `${s.rank}`,
    `${s.units}`,
    cursor.resume,
  ].join(SEP);
}

/** A non-negative integer written with digits only, or -1 when malformed. */
export function parseDigits(text: string): number {
  if (text.length < 1 || text.length > MAX_DIGITS) return -1;
  for (const c of text) {
    if (DIGITS.indexOf(c) < 0) return -1;
  }
  return Number(text);
}

/**
 * Parses a decoded cursor string; null if it is malformed or belongs to
 * another query (scope differs).
 */
export function parseCursor(text: string, scope: string): Cursor | null {
  const parts = text.split(SEP);
  const before = parts[0] === VERSION_BEFORE;
  if (parts.length < 6 || (parts[0] !== VERSION && !before) || parts[1] !== scope) return null;
  const position = parseDigits(parts[2] ?? '');
  const rank = parseDigits(parts[3] ?? '');
  // units is -1 only before the first page, which never has a token.
  const units = parseDigits(parts[4] ?? '');
  // Where to resume is opaque here: it may itself contain the separator.
  const resume = parts.slice(5).join(SEP);
  if (position < 1 || rank < 1 || rank > position || units < 0 || resume.length === 0) return null;
  if (before) return { scope, state: { position, rank, units }, resume, before: true };
  return { scope, state: { position, rank, units }, resume };
}

/** True if the text uses only the base64 alphabet and has a valid length. */
export function isBase64(text: string): boolean {
  if (text.length === 0 || text.length % 4 !== 0) return false;
  for (const c of text) {
    if (BASE64_CHARS.indexOf(c) < 0) return false;
  }
  // Padding: at most two '=' and only at the end.
  const pad = text.indexOf('=');
  if (pad < 0) return true;
  if (pad < text.length - 2) return false;
  for (const c of text.slice(pad)) {
    if (c !== '=') return false;
  }
  return true;
}
