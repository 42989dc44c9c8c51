/**
 * A lexical look at a document before graphql-js parses it. graphql-js's
 * parser recurses once per nesting level (selection sets, lists, objects,
 * argument lists), so a document nested thousands of levels deep would
 * overflow the stack instead of getting a GraphQL error. This scan is a
 * loop: it skips strings, block strings and comments and counts `{`, `[`
 * and `(` against their closers.
 */

/**
 * Deepest nesting of brackets parsed. Far above any query a depth limit lets
 * run (AppSync allows at most 75 levels) plus argument values; far below what
 * graphql-js's recursion survives.
 */
export const MAX_DOCUMENT_NESTING = 500;

/**
 * Most tokens parsed in one document. Parsing and validating cost about a
 * microsecond per token and run in one piece, so this bounds how long one
 * document can hold the process before execution (where the resolver count
 * and response size limits take over). It is graphql-java's default parser
 * limit; AppSync's own is not documented. Our operations have a few hundred
 * tokens; bulk input travels in variables, which are not tokens.
 */
export const MAX_DOCUMENT_TOKENS = 15_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The offset of the first bracket that opens nesting level `max + 1`, or -1
 * if the document stays within `max` levels. Unbalanced or odd text is left
 * to the parser, which reports it.
 */
export function nestingOverflowAt(source: string, max = MAX_DOCUMENT_NESTING): number {
  let depth = 0;
  const n = source.length;
  for (let i = 0; i < n; i += 1) {
    const c = source.charCodeAt(i);
    if (c === HASH) {
      while (i + 1 < n && source.charCodeAt(i + 1) !== LF && source.charCodeAt(i + 1) !== CR) i += 1;
    } else if (c === QUOTE) {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        // Escaped triple quotes (\""") inside a block string.
        let close = end;
        while (close > 0 && source.charCodeAt(close - 1) === BACKSLASH) close = source.indexOf('"""', close + 3);
        if (close < 0) return -1;
        i = close + 2;
      } else {
        i += 1;
        while (i < n && source.charCodeAt(i) !== QUOTE && source.charCodeAt(i) !== LF) {
          if (source.charCodeAt(i) === BACKSLASH) i += 1;
          i += 1;
        }
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      depth += 1;
      if (depth > max) return i;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth -= 1;
    }
  }
  return -1;
}

/** 1-based line and column of an offset (GraphQL counts CR, LF and CRLF as one line break). */
export function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    const c = source.charCodeAt(i);
    if (c === LF || (c === CR && source.charCodeAt(i + 1) !== LF)) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
