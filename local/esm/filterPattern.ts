/**
 * Lambda's event-filtering patterns (FilterCriteria), as a pure module.
 *
 * Reproduces the documented syntax: a pattern is a JSON object whose leaves are
 * arrays of rules; keys of one object are ANDed, the rules of one array ORed,
 * and the filters of one FilterCriteria ORed. Rules: exact values (string,
 * number compared numerically, boolean, null; `""` matches the empty string),
 * `prefix`, `suffix`, `equals-ignore-case`, `numeric` ranges, `exists`,
 * `anything-but` (a value, a list, or `{prefix}` / `{suffix}`) and `$or`.
 * When the record's field is an array, the rule matches if any element does.
 */
import { InvalidFilterPatternError } from './errors.js';
import { isRecord } from '../../lib/isRecord.js';

type Rule =
  | { kind: 'equals'; value: string | number | boolean | null }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equalsIgnoreCase'; value: string }
  | { kind: 'numeric'; bounds: Array<{ op: NumericOp; value: number }> }
  | { kind: 'exists'; value: boolean }
  | { kind: 'anythingBut'; values: Array<string | number>; prefix?: string; suffix?: string };

type NumericOp = '=' | '<' | '<=' | '>' | '>=';

/** A compiled pattern: per key, either nested patterns or a list of rules; `$or` alternatives. */
interface Node {
  fields: Array<{ key: string; child: Node } | { key: string; rules: Rule[] }>;
  or: Node[][];
}

/** A predicate over a record's filter subject. */
export type RecordFilter = (subject: unknown) => boolean;

const NUMERIC_OPS = new Set<string>(['=', '<', '<=', '>', '>=']);

function fail(message: string): never {
  throw new InvalidFilterPatternError(message);
}

function compileAffix(kind: 'prefix' | 'suffix', spec: unknown): Rule {
  if (typeof spec === 'string') return { kind, value: spec, ignoreCase: false };
  if (isRecord(spec) && typeof spec['equals-ignore-case'] === 'string' && Object.keys(spec).length === 1) {
    return { kind, value: spec['equals-ignore-case'], ignoreCase: true };
  }
  return fail(`"${kind}" takes a string (or {"equals-ignore-case": string})`);
}

function compileNumeric(spec: unknown): Rule {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    return fail('"numeric" takes [op, number] or [op, number, op, number]');
  }
  const bounds: Array<{ op: NumericOp; value: number }> = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op: unknown = spec[i];
    const value: unknown = spec[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op))
      fail(`"numeric" operator must be one of = < <= > >=, got ${JSON.stringify(op)}`);
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('"numeric" bounds must be numbers');
    bounds.push({ op: op as NumericOp, value });
  }
  if (
    bounds.length === 2 &&
    (bounds.some((b) => b.op === '=') ||
      !bounds.some((b) => b.op.startsWith('>')) ||
      !bounds.some((b) => b.op.startsWith('<')))
  ) {
    fail('a "numeric" range needs one lower bound (> or >=) and one upper bound (< or <=)');
  }
  return { kind: 'numeric', bounds };
}

function compileAnythingBut(spec: unknown): Rule {
  if (typeof spec === 'string' || typeof spec === 'number') return { kind: 'anythingBut', values: [spec] };
  if (Array.isArray(spec)) {
    const values: Array<string | number> = [];
    for (const v of spec) {
      if (typeof v !== 'string' && typeof v !== 'number') fail('"anything-but" lists hold strings or numbers');
      values.push(v);
    }
    return { kind: 'anythingBut', values };
  }
  if (isRecord(spec) && Object.keys(spec).length === 1) {
    if (typeof spec.prefix === 'string') return { kind: 'anythingBut', values: [], prefix: spec.prefix };
    if (typeof spec.suffix === 'string') return { kind: 'anythingBut', values: [], suffix: spec.suffix };
  }
  return fail('"anything-but" takes a value, a list of values, {"prefix": s} or {"suffix": s}');
}

function compileRule(raw: unknown): Rule {
  if (raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
    return { kind: 'equals', value: raw };
  }
  if (!isRecord(raw)) return fail(`a rule must be a value or an object, got ${JSON.stringify(raw)}`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) return fail(`a rule object has exactly one operator, got ${JSON.stringify(raw)}`);
  const op = keys[0] as string;
  const spec = raw[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return compileAffix(op, spec);
    case 'equals-ignore-case':
      if (typeof spec !== 'string') fail('"equals-ignore-case" takes a string');
      return { kind: 'equalsIgnoreCase', value: spec };
    case 'numeric':
      return compileNumeric(spec);
    case 'exists':
      if (typeof spec !== 'boolean') fail('"exists" takes true or false');
      return { kind: 'exists', value: spec };
    case 'anything-but':
      return compileAnythingBut(spec);
    default:
      return fail(`unknown filter operator "${op}"`);
  }
}

function compileNode(pattern: Record<string, unknown>, path: string): Node {
  const node: Node = { fields: [], or: [] };
  for (const [key, value] of Object.entries(pattern)) {
    const where = path === '' ? key : `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) fail(`"$or" at ${where} takes a list of at least two patterns`);
      node.or.push(
        value.map((alt) =>
          isRecord(alt) ? compileNode(alt, path) : fail(`"$or" alternatives at ${where} must be objects`),
        ),
      );
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail(`the rule list at ${where} is empty`);
      node.fields.push({ key, rules: value.map(compileRule) });
    } else if (isRecord(value)) {
      node.fields.push({ key, child: compileNode(value, where) });
    } else {
      fail(`the value at ${where} must be an object or a list of rules, got ${JSON.stringify(value)}`);
    }
  }
  return node;
}

function compare(actual: number, op: NumericOp, bound: number): boolean {
  switch (op) {
    case '=':
      return actual === bound;
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
  }
}

/** One leaf value (never an array) against one rule. `present` is false when the field is missing. */
function leafMatches(rule: Rule, value: unknown): boolean {
  switch (rule.kind) {
    case 'equals':
      if (typeof rule.value === 'number') return typeof value === 'number' && value === rule.value;
      return value === rule.value;
    case 'prefix':
      return (
        typeof value === 'string' &&
        (rule.ignoreCase ? value.toLowerCase().startsWith(rule.value.toLowerCase()) : value.startsWith(rule.value))
      );
    case 'suffix':
      return (
        typeof value === 'string' &&
        (rule.ignoreCase ? value.toLowerCase().endsWith(rule.value.toLowerCase()) : value.endsWith(rule.value))
      );
    case 'equalsIgnoreCase':
      return typeof value === 'string' && value.toLowerCase() === rule.value.toLowerCase();
    case 'numeric':
      return typeof value === 'number' && rule.bounds.every((b) => compare(value, b.op, b.value));
    case 'exists':
      // A leaf that is present (objects are not leaves: `exists` applies to leaf nodes).
      return rule.value ? !isRecord(value) : false;
    case 'anythingBut':
      if (rule.prefix !== undefined) return typeof value === 'string' && !value.startsWith(rule.prefix);
      if (rule.suffix !== undefined) return typeof value === 'string' && !value.endsWith(rule.suffix);
      return (typeof value === 'string' || typeof value === 'number') && !rule.values.includes(value);
  }
}

function ruleMatches(rule: Rule, present: boolean, value: unknown): boolean {
  if (!present) return rule.kind === 'exists' && !rule.value;
  if (rule.kind === 'exists' && !rule.value) return false;
  if (Array.isArray(value)) return value.some((v) => leafMatches(rule, v));
  return leafMatches(rule, value);
}

function nodeMatches(node: Node, subject: unknown): boolean {
  const obj = isRecord(subject) ? subject : undefined;
  for (const field of node.fields) {
    const present =
      obj !== undefined && Object.prototype.hasOwnProperty.call(obj, field.key) && obj[field.key] !== undefined;
    const value = present ? obj[field.key] : undefined;
    if ('child' in field) {
      if (!present) {
        // A nested pattern on a missing object matches only if it asks for absence everywhere.
        if (!nodeMatches(field.child, undefined)) return false;
      } else if (Array.isArray(value)) {
        if (!value.some((v) => nodeMatches(field.child, v))) return false;
      } else if (!nodeMatches(field.child, value)) {
        return false;
      }
    } else if (!field.rules.some((r) => ruleMatches(r, present, value))) {
      return false;
    }
  }
  for (const alternatives of node.or) {
    if (!alternatives.some((alt) => nodeMatches(alt, subject))) return false;
  }
  return true;
}

/** Compiles one pattern string (as in `FilterCriteria.Filters[].Pattern`); throws InvalidFilterPatternError. */
export function compileFilterPattern(pattern: string): RecordFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch (error) {
    throw new InvalidFilterPatternError(`filter pattern is not JSON: ${pattern}`, { cause: error });
  }
  if (!isRecord(parsed)) fail('a filter pattern must be a JSON object');
  const node = compileNode(parsed, '');
  return (subject) => nodeMatches(node, subject);
}

/**
 * Compiles a FilterCriteria: the filters are ORed; no filters means every
 * record passes. Lambda allows at most 5 filters per mapping by default.
 */
export function compileFilterCriteria(patterns: readonly string[]): RecordFilter | undefined {
  if (patterns.length === 0) return undefined;
  if (patterns.length > 5) fail(`at most 5 filters per event-source mapping (got ${patterns.length})`);
  const filters = patterns.map(compileFilterPattern);
  return (subject) => filters.some((f) => f(subject));
}
