/**
 * Finds the subscription groups an event may match by looking its values up,
 * instead of evaluating every group's filter: with thousands of groups that
 * differ only in the values they filter on (a class and a band each), one
 * event evaluates the few whose values it carries.
 *
 * A filter branch (one `filters` array of a filterGroup, or a subscription's
 * arguments) whose rules include `eq` or `in` on a field can only match an
 * event whose value there is one of those values (compared as filters.ts
 * compares them: strictly, an absent field as null). Such a branch is filed
 * under each of those fields and values; a group is a candidate when, for some
 * branch, the event's values at all the branch's filed fields are filed for
 * it. A group with a branch that has no such rule is a candidate for every
 * event. Candidates are a superset of the matching groups: the caller still
 * evaluates each one's whole filter, so delivery is exactly what evaluating
 * every filter would deliver.
 */
import { FILTER_LIMITS, isScalar, readPath, type SubscriptionFilter } from './filters.js';

/** A branch can match only events whose value at `fieldName` (dotted) is one of `values`. */
export interface Lookup {
  readonly fieldName: string;
  readonly values: readonly unknown[];
}

/** The lookups of each branch (branches are ORed); `undefined` when some branch has none. */
export type Lookups = ReadonlyArray<readonly Lookup[]>;

/** The key an event value and a filter value share when the filter's equality holds (null and absent alike). */
const keyOf = (value: unknown): unknown => value ?? null;

/** The lookups of an enhanced filter: per branch, its first `eq` or `in` rule on each field. */
export function lookupsOfFilter(filter: SubscriptionFilter): Lookups | undefined {
  const branches: Lookup[][] = [];
  for (const group of filter.filterGroup) {
    const byField = new Map<string, Lookup>();
    for (const rule of group.filters) {
      // Rules nested deeper than AppSync reads are ignored by it: they restrict nothing.
      if (byField.has(rule.fieldName) || rule.fieldName.split('.').length > FILTER_LIMITS.nestingLevels) continue;
      if (rule.operator === 'eq' && isScalar(rule.value))
        byField.set(rule.fieldName, { fieldName: rule.fieldName, values: [rule.value] });
      else if (rule.operator === 'in' && Array.isArray(rule.value) && rule.value.every(isScalar))
        byField.set(rule.fieldName, { fieldName: rule.fieldName, values: rule.value });
    }
    if (byField.size === 0) return undefined;
    branches.push([...byField.values()]);
  }
  return branches;
}

/** The lookups of argument filtering: every argument with a scalar value must equal the event's field. */
export function lookupsOfArguments(args: Readonly<Record<string, unknown>>): Lookups | undefined {
  const lookups: Lookup[] = [];
  for (const [name, value] of Object.entries(args))
    if (isScalar(value)) lookups.push({ fieldName: name, values: [value] });
  return lookups.length === 0 ? undefined : [lookups];
}

/** Branches filed under the same fields share one table: field → value key → items. */
interface Table<T> {
  readonly fields: ReadonlyArray<{ fieldName: string; path: string[] }>;
  readonly byField: Map<string, Map<unknown, Set<T>>>;
}

/** Where one item is filed (for its removal). */
interface Filing<T> {
  readonly signature: string;
  readonly table: Table<T>;
  readonly fieldName: string;
  readonly key: unknown;
}

export interface CandidateIndex<T> {
  /** Files `item` under its lookups (`undefined`: a candidate for every event). */
  add(item: T, lookups: Lookups | undefined): void;
  remove(item: T): void;
  /** The items whose filter may match `data` (every one that does), in the order they were added. */
  candidates(data: unknown): T[];
}

export function createCandidateIndex<T>(): CandidateIndex<T> {
  let added = 0;
  const order = new Map<T, number>();
  const everywhere = new Set<T>();
  const tables = new Map<string, Table<T>>();
  const filings = new Map<T, Filing<T>[]>();

  function file(item: T, branch: readonly Lookup[], out: Filing<T>[]): void {
    // `in` with no values: the branch matches nothing, so nothing is filed.
    if (branch.some((l) => l.values.length === 0)) return;
    const sorted = [...branch].sort((a, b) => (a.fieldName < b.fieldName ? -1 : a.fieldName > b.fieldName ? 1 : 0));
    const signature = sorted.map((l) => l.fieldName).join('\u0000');
    let table = tables.get(signature);
    if (!table) {
      table = {
        fields: sorted.map((l) => ({ fieldName: l.fieldName, path: l.fieldName.split('.') })),
        byField: new Map(sorted.map((l) => [l.fieldName, new Map<unknown, Set<T>>()])),
      };
      tables.set(signature, table);
    }
    for (const lookup of sorted) {
      const byKey = table.byField.get(lookup.fieldName) as Map<unknown, Set<T>>;
      for (const value of lookup.values) {
        const key = keyOf(value);
        let items = byKey.get(key);
        if (!items) {
          items = new Set();
          byKey.set(key, items);
        }
        items.add(item);
        out.push({ signature, table, fieldName: lookup.fieldName, key });
      }
    }
  }

  function add(item: T, lookups: Lookups | undefined): void {
    if (order.has(item)) remove(item);
    order.set(item, added);
    added += 1;
    if (lookups === undefined || lookups.length === 0) {
      everywhere.add(item);
      return;
    }
    const out: Filing<T>[] = [];
    for (const branch of lookups) file(item, branch, out);
    filings.set(item, out);
  }

  function remove(item: T): void {
    order.delete(item);
    everywhere.delete(item);
    for (const f of filings.get(item) ?? []) {
      const byKey = f.table.byField.get(f.fieldName);
      const items = byKey?.get(f.key);
      if (!byKey || !items) continue;
      items.delete(item);
      if (items.size > 0) continue;
      byKey.delete(f.key);
      if ([...f.table.byField.values()].every((m) => m.size === 0)) tables.delete(f.signature);
    }
    filings.delete(item);
  }

  function candidates(data: unknown): T[] {
    const found = new Set<T>(everywhere);
    for (const table of tables.values()) {
      const sets: Array<Set<T>> = [];
      for (const { fieldName, path } of table.fields) {
        const items = table.byField.get(fieldName)?.get(keyOf(readPath(data, path)));
        if (!items) break;
        sets.push(items);
      }
      if (sets.length < table.fields.length) continue;
      sets.sort((a, b) => a.size - b.size);
      const [smallest, ...others] = sets as [Set<T>, ...Array<Set<T>>];
      for (const item of smallest) if (others.every((s) => s.has(item))) found.add(item);
    }
    return [...found].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }

  return { add, remove, candidates };
}
