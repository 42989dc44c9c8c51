/**
 * Subscription filters: AppSync's enhanced filters
 * (`extensions.setSubscriptionFilter`, "Enhanced subscription filtering") and
 * the basic argument filters they replace. Filters within one `filters` array
 * are ANDed; entries of `filterGroup` are ORed.
 */
import type { AppSyncErrorEntry } from './messages.js';
import { isRecord } from '../../../lib/isRecord.js';

/** The operators AppSync accepts (case-sensitive). */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'le',
  'lt',
  'ge',
  'gt',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'containsAny',
] as const;

/** One operator of an enhanced filter rule. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** `{fieldName, operator, value}`; `fieldName` may be a dotted path. */
export interface FilterRule {
  fieldName: string;
  operator: FilterOperator;
  value: unknown;
}

/** `{filterGroup: [{filters: [...]}, ...]}`. */
export interface SubscriptionFilter {
  filterGroup: Array<{ filters: FilterRule[] }>;
}

/** AppSync's documented limits on enhanced filters. */
export const FILTER_LIMITS = {
  /** Unique fieldNames within one filters array. */
  uniqueFieldNames: 5,
  /** Filters of a filterGroup, counting `in` as one filter per value (OR expansion). */
  filters: 10,
  /** Values of `in` / `notIn`. */
  inValues: 5,
  /** Values of `containsAny`. */
  containsAnyValues: 20,
  /** Characters of any string value. */
  stringLength: 256,
  /** Levels of a dotted fieldName; deeper rules are ignored. */
  nestingLevels: 5,
} as const;

function filterError(message: string): AppSyncErrorEntry {
  return { errorType: 'ValidationError', message: `Invalid subscription filter: ${message}` };
}

function isOperator(value: unknown): value is FilterOperator {
  return typeof value === 'string' && (FILTER_OPERATORS as readonly string[]).includes(value);
}

/** A value filters compare as one (null, string, number, boolean). */
export function isScalar(value: unknown): value is null | string | number | boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function checkStrings(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= FILTER_LIMITS.stringLength;
  if (Array.isArray(value)) return value.every(checkStrings);
  return true;
}

function checkRule(raw: unknown): FilterRule | AppSyncErrorEntry {
  if (!isRecord(raw)) return filterError('each filter must be an object {fieldName, operator, value}');
  const { fieldName, operator, value } = raw;
  if (typeof fieldName !== 'string' || fieldName.length === 0)
    return filterError('fieldName must be a non-empty string');
  if (!isOperator(operator)) return filterError(`unsupported operator ${JSON.stringify(operator)} for ${fieldName}`);
  if (!checkStrings(value))
    return filterError(`string values are limited to ${FILTER_LIMITS.stringLength} characters (${fieldName})`);
  switch (operator) {
    case 'in':
    case 'notIn':
      if (!Array.isArray(value) || !value.every(isScalar))
        return filterError(`${operator} needs an array of values (${fieldName})`);
      if (value.length > FILTER_LIMITS.inValues)
        return filterError(`${operator} accepts at most ${FILTER_LIMITS.inValues} values (${fieldName})`);
      break;
    case 'containsAny':
      if (!Array.isArray(value) || !value.every(isScalar))
        return filterError(`containsAny needs an array of values (${fieldName})`);
      if (value.length > FILTER_LIMITS.containsAnyValues) {
        return filterError(`containsAny accepts at most ${FILTER_LIMITS.containsAnyValues} values (${fieldName})`);
      }
      break;
    case 'between':
      if (!Array.isArray(value) || value.length !== 2 || !value.every(isScalar))
        return filterError(`between needs [low, high] (${fieldName})`);
      break;
    default:
      if (!isScalar(value)) return filterError(`${operator} needs a single value (${fieldName})`);
  }
  return { fieldName, operator, value };
}

/**
 * Validates what a resolver passed to `setSubscriptionFilter` (or
 * `setSubscriptionInvalidationFilter`); AppSync refuses the subscription when
 * a filter breaks its limits. Accepts `{filterGroup:[…]}` and a bare `{filters:[…]}`.
 */
export function parseSubscriptionFilter(raw: unknown): SubscriptionFilter | AppSyncErrorEntry {
  let rawGroups: unknown;
  if (isRecord(raw) && Array.isArray(raw.filterGroup)) rawGroups = raw.filterGroup;
  else if (isRecord(raw) && Array.isArray(raw.filters)) rawGroups = [raw];
  else return filterError('expected {filterGroup: [{filters: [...]}]}');
  const groups = rawGroups as unknown[];
  if (groups.length === 0) return filterError('filterGroup is empty');
  const filterGroup: SubscriptionFilter['filterGroup'] = [];
  let expandedFilters = 0;
  for (const group of groups) {
    if (!isRecord(group) || !Array.isArray(group.filters) || group.filters.length === 0) {
      return filterError('each filterGroup entry needs a non-empty filters array');
    }
    const rules: FilterRule[] = [];
    const fieldNames = new Set<string>();
    let expansion = 1;
    for (const rawRule of group.filters) {
      const rule = checkRule(rawRule);
      if ('errorType' in rule) return rule;
      rules.push(rule);
      fieldNames.add(rule.fieldName);
      // "in" is an OR of equalities: it counts once per value towards the filter limit.
      if (rule.operator === 'in' && Array.isArray(rule.value)) expansion *= Math.max(1, rule.value.length);
    }
    if (fieldNames.size > FILTER_LIMITS.uniqueFieldNames) {
      return filterError(
        `a filter may use at most ${FILTER_LIMITS.uniqueFieldNames} unique fieldNames, got ${fieldNames.size}`,
      );
    }
    expandedFilters += expansion;
    filterGroup.push({ filters: rules });
  }
  if (expandedFilters > FILTER_LIMITS.filters) {
    return filterError(
      `a filterGroup may hold at most ${FILTER_LIMITS.filters} filters (in counts once per value), got ${expandedFilters}`,
    );
  }
  return { filterGroup };
}

/** Reads a path (a dotted fieldName split at its dots); `undefined` when a step is missing. */
export function readPath(data: unknown, path: string[]): unknown {
  let current = data;
  for (const step of path) {
    if (!isRecord(current)) return undefined;
    current = current[step];
  }
  return current;
}

function sameScalar(a: unknown, b: unknown): boolean {
  // An absent field compares as null, like a null GraphQL value.
  return (a ?? null) === (b ?? null);
}

function ordered(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string')
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  return undefined;
}

function ruleMatches(rule: FilterRule, data: unknown): boolean {
  const path = rule.fieldName.split('.');
  // AppSync ignores rules nested deeper than five levels.
  if (path.length > FILTER_LIMITS.nestingLevels) return true;
  const actual = readPath(data, path);
  const expected = rule.value;
  switch (rule.operator) {
    case 'eq':
      return sameScalar(actual, expected);
    case 'ne':
      return !sameScalar(actual, expected);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const order = ordered(actual, expected);
      if (order === undefined) return false;
      if (rule.operator === 'lt') return order < 0;
      if (rule.operator === 'le') return order <= 0;
      if (rule.operator === 'gt') return order > 0;
      return order >= 0;
    }
    case 'between': {
      if (!Array.isArray(expected)) return false;
      const low = ordered(actual, expected[0]);
      const high = ordered(actual, expected[1]);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'contains':
    case 'notContains': {
      let contained = false;
      if (typeof actual === 'string' && typeof expected === 'string') contained = actual.includes(expected);
      else if (Array.isArray(actual)) contained = actual.some((item) => sameScalar(item, expected));
      return rule.operator === 'contains' ? contained : !contained;
    }
    case 'beginsWith':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'in':
    case 'notIn': {
      const found = Array.isArray(expected) && expected.some((item) => sameScalar(actual, item));
      return rule.operator === 'in' ? found : !found;
    }
    case 'containsAny':
      return (
        Array.isArray(actual) &&
        Array.isArray(expected) &&
        actual.some((item) => expected.some((want) => sameScalar(item, want)))
      );
  }
}

/** True when the event data passes the filter (AND within a group, OR across groups). */
export function filterMatches(filter: SubscriptionFilter, data: unknown): boolean {
  return filter.filterGroup.some((group) => group.filters.every((rule) => ruleMatches(rule, data)));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * Basic filtering: every argument the subscriber supplied must equal the
 * field of the same name in the mutation's result. A supplied `null` is a real
 * filter (it matches only null or unset fields); an omitted argument is no filter.
 */
export function argumentsMatch(args: Record<string, unknown>, data: unknown): boolean {
  for (const [name, value] of Object.entries(args)) {
    if (!deepEqual(readPath(data, [name]), value)) return false;
  }
  return true;
}

/** JSON with sorted keys: equal values give equal strings (fan-out group keys). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
