/**
 * The rule for display names (telemetry `name`, rider profile names): what a
 * name may contain and how long it may be. One home for the resolver, the
 * pipeline's decoder (both paths) and the sign-up/profile code.
 *
 * A "character" is a Unicode code point: a bicycle emoji counts once, not as
 * its two UTF-16 units. Refused, because they let a name hide or reorder
 * text around it on every board that shows it, or break the JSON and logs
 * that carry it:
 * - control characters (C0, DEL, C1), line and paragraph separators;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 *   U+2066–U+2069) and the invisible direction marks (U+200E, U+200F, U+061C);
 * - invisible format characters: soft hyphen, zero-width space, word joiner
 *   and invisible operators, the deprecated format controls, the byte-order
 *   mark, interlinear annotation controls, U+180E;
 * - lone (unpaired) surrogates, which are not text at all;
 * - the noncharacters U+FFFE and U+FFFF.
 * Kept on purpose: the zero-width joiner and non-joiner (U+200C, U+200D) and
 * variation selectors, which emoji sequences (🚴‍♀️) and several scripts need.
 *
 * Pure and APPSYNC_JS-safe: no regex literals, no charCodeAt (denied there);
 * code points are compared as strings, whose order is UTF-16 unit order.
 */

export const DISPLAY_NAME_MIN_LENGTH = 1;
export const DISPLAY_NAME_MAX_LENGTH = 40;

/** Inclusive ranges of refused BMP characters, as one-unit strings. */
const REFUSED_RANGES: ReadonlyArray<readonly [string, string]> = [
  ['\u0000', '\u001F'],
  ['\u007F', '\u009F'],
  ['\u00AD', '\u00AD'],
  ['\u061C', '\u061C'],
  ['\u180E', '\u180E'],
  ['\u200B', '\u200B'],
  ['\u200E', '\u200F'],
  ['\u2028', '\u202E'],
  ['\u2060', '\u2064'],
  ['\u2066', '\u206F'],
  ['\uFEFF', '\uFEFF'],
  ['\uFFF9', '\uFFFB'],
  ['\uFFFE', '\uFFFF'],
];

/**
 * True if one code point (as for-of yields it) is allowed in a name. A
 * surrogate pair is two units whose first is U+D800–U+DBFF, above every
 * refused range below U+D800 and below the ones above it, so only one-unit
 * strings can match a range.
 */
export function isDisplayNameCharacter(c: string): boolean {
  if (c.length !== 1) return c.length === 2;
  if (c >= '\uD800' && c <= '\uDFFF') return false;
  for (const [from, to] of REFUSED_RANGES) {
    if (c >= from && c <= to) return false;
  }
  return true;
}

/**
 * Why `value` is not a valid display name (a message to follow the field's
 * name, as in "name must be …"), or null when it is one.
 */
export function displayNameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  let n = 0;
  for (const c of value) {
    if (!isDisplayNameCharacter(c)) {
      return 'must not contain control, bidirectional, invisible format characters or unpaired surrogates';
    }
    n += 1;
  }
  if (n < DISPLAY_NAME_MIN_LENGTH || n > DISPLAY_NAME_MAX_LENGTH) {
    return `must be ${DISPLAY_NAME_MIN_LENGTH}..${DISPLAY_NAME_MAX_LENGTH} characters`;
  }
  return null;
}

/** True for a valid display name. */
export function isDisplayName(value: unknown): value is string {
  return displayNameProblem(value) === null;
}

/**
 * A valid display name made from `value`: refused characters removed, outer
 * white space trimmed, cut to the maximum length; undefined when nothing is left.
 * For names that come from elsewhere and must be shown anyway (profiles).
 */
export function cleanDisplayName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let kept = '';
  for (const c of value) {
    if (isDisplayNameCharacter(c)) kept += c;
  }
  let out = '';
  let n = 0;
  for (const c of kept.trim()) {
    if (n === DISPLAY_NAME_MAX_LENGTH) break;
    out += c;
    n += 1;
  }
  out = out.trim();
  return out.length > 0 ? out : undefined;
}
