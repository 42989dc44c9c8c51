/**
 * util.transform.toSubscriptionFilter [DOC transformation-helpers-in-utils-transform-js]:
 * top-level fields are ANDed; several operators on one field are ORed
 * (separate filters); `and`/`or` arrays expand into a cross product of
 * filters; `ignoredFields` are dropped; `rules` (one operator per field) are
 * added so that at least one rule must hold. Output:
 * `{filterGroup:[{filters:[{fieldName, operator, value}]}]}`.
 */
import { isRecord } from '../../../lib/isRecord.js';

export interface SubscriptionFilterRule {
  fieldName: string;
  operator: string;
  value: unknown;
}

export interface SubscriptionFilter {
  filterGroup: Array<{ filters: SubscriptionFilterRule[] }>;
}

// Filter objects use le/ge; the documentation's examples also use lte/gte.
const OPERATOR_ALIASES: Record<string, string> = { lte: 'le', gte: 'ge' };

type Alternatives = SubscriptionFilterRule[][];

function cross(a: Alternatives, b: Alternatives): Alternatives {
  const out: Alternatives = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function alternativesOf(filter: Record<string, unknown>, ignored: ReadonlySet<string>): Alternatives {
  let acc: Alternatives = [[]];
  for (const [key, v] of Object.entries(filter)) {
    if (ignored.has(key) || v === undefined) continue;
    if (key === 'and') {
      for (const sub of (Array.isArray(v) ? v : [v]).filter(isRecord)) acc = cross(acc, alternativesOf(sub, ignored));
    } else if (key === 'or') {
      const options: Alternatives = [];
      for (const sub of (Array.isArray(v) ? v : [v]).filter(isRecord)) options.push(...alternativesOf(sub, ignored));
      if (options.length > 0) acc = cross(acc, options);
    } else if (isRecord(v)) {
      const options: Alternatives = Object.entries(v)
        .filter(([, value]) => value !== undefined)
        .map(([op, value]) => [{ fieldName: key, operator: OPERATOR_ALIASES[op] ?? op, value }]);
      if (options.length > 0) acc = cross(acc, options);
    }
  }
  return acc;
}

/** Builds an enhanced subscription filter from a filter object. */
export function toSubscriptionFilter(filter: unknown, ignoredFields?: unknown, rules?: unknown): SubscriptionFilter {
  const ignored = new Set(Array.isArray(ignoredFields) ? ignoredFields.map(String) : []);
  let alts = isRecord(filter) ? alternativesOf(filter, ignored) : [[]];
  if (isRecord(rules)) {
    const ruleAlts: Alternatives = [];
    for (const [field, ops] of Object.entries(rules)) {
      if (!isRecord(ops)) continue;
      for (const [op, value] of Object.entries(ops))
        ruleAlts.push([{ fieldName: field, operator: OPERATOR_ALIASES[op] ?? op, value }]);
    }
    if (ruleAlts.length > 0) alts = cross(alts, ruleAlts);
  }
  return { filterGroup: alts.map((filters) => ({ filters })) };
}
