/**
 * DynamoDB expressions from AppSync's filter objects (`DynamoDBFilterObject`):
 * util.transform.toDynamoDBFilterExpression / toDynamoDBConditionExpression
 * and the conditions, filters and key conditions of the dynamodb module.
 * Shape reproduced from EvaluateCode [EVAL]: each top-level term in
 * parentheses, joined with " AND "; names `#<field>`, values `:<field>_<op>`;
 * e.g. `(attribute_exists(#id)) AND (#version = :version_eq)` and
 * `(contains(#title,:title_contains))`.
 */
import { toDynamoDB, type TypedValue } from './typedValues.js';
import { isRecord } from '../../../lib/isRecord.js';

export interface DynamoDBExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, TypedValue>;
}

/** Filter-object input could not be turned into an expression. */
export class FilterObjectError extends Error {
  override readonly name = 'FilterObjectError';
}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, TypedValue> = {};

  name(field: string): string {
    const placeholder = `#${field.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  value(field: string, suffix: string, v: unknown): string {
    const base = `:${field.replace(/[^A-Za-z0-9_]/g, '_')}_${suffix}`;
    let placeholder = base;
    // The same field and operator used twice (e.g. inside an `or`) gets a numbered placeholder.
    for (let n = 1; placeholder in this.values; n += 1) placeholder = `${base}_${n}`;
    this.values[placeholder] = toDynamoDB(v) ?? { NULL: null };
    return placeholder;
  }

  /** One field operator as an expression fragment. */
  operator(field: string, op: string, v: unknown): string {
    const n = this.name(field);
    const cmp = COMPARATORS[op];
    if (cmp) return `${n} ${cmp} ${this.value(field, op, v)}`;
    switch (op) {
      case 'contains':
        return `contains(${n},${this.value(field, op, v)})`;
      case 'notContains':
        return `NOT contains(${n},${this.value(field, op, v)})`;
      case 'beginsWith':
        return `begins_with(${n},${this.value(field, op, v)})`;
      case 'between': {
        if (!Array.isArray(v) || v.length !== 2) throw new FilterObjectError(`between on "${field}" needs [low, high]`);
        return `${n} BETWEEN ${this.value(field, 'between_0', v[0])} AND ${this.value(field, 'between_1', v[1])}`;
      }
      case 'in': {
        if (!Array.isArray(v)) throw new FilterObjectError(`in on "${field}" needs an array`);
        const list = v.map((x, i) => this.value(field, `in_${i}`, x));
        return `${n} IN (${list.join(',')})`;
      }
      case 'attributeExists':
        return v ? `attribute_exists(${n})` : `attribute_not_exists(${n})`;
      case 'attributeType':
        return `attribute_type(${n},${this.value(field, op, v)})`;
      case 'size':
        if (!isRecord(v)) throw new FilterObjectError(`size on "${field}" needs an operator object`);
        return Object.entries(v)
          .map(([sop, sv]) => `size(${n}) ${COMPARATORS[sop] ?? '='} ${this.value(field, `size_${sop}`, sv)}`)
          .join(' AND ');
      default:
        throw new FilterObjectError(`unknown operator "${op}" on field "${field}"`);
    }
  }

  /** Terms of one filter object (each already parenthesised). */
  terms(filter: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const [key, v] of Object.entries(filter)) {
      if (v === undefined || v === null) continue;
      if (key === 'and' || key === 'or') {
        const list = Array.isArray(v) ? v : [v];
        const parts = list.filter(isRecord).map((f) => this.terms(f).join(' AND '));
        if (parts.length > 0) out.push(`(${parts.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        if (isRecord(v)) out.push(`(NOT (${this.terms(v).join(' AND ')}))`);
      } else if (isRecord(v)) {
        for (const [op, opValue] of Object.entries(v)) {
          if (opValue === undefined) continue;
          out.push(`(${this.operator(key, op, opValue)})`);
        }
      } else {
        throw new FilterObjectError(`field "${key}" needs an operator object such as { eq: value }`);
      }
    }
    return out;
  }
}

/** A filter/condition object as an expression object (top-level terms ANDed). */
export function buildFilterExpression(filter: Record<string, unknown>): DynamoDBExpression {
  const b = new ExpressionBuilder();
  const expression = b.terms(filter).join(' AND ');
  return { expression, expressionNames: b.names, expressionValues: b.values };
}

/**
 * A key condition for Query (`eq` on the partition key; eq/lt/le/gt/ge/between/beginsWith on the sort key).
 * DynamoDB key conditions allow only AND of simple terms, so no parentheses.
 */
export function buildKeyCondition(query: Record<string, unknown>): DynamoDBExpression {
  const b = new ExpressionBuilder();
  const parts: string[] = [];
  for (const [field, ops] of Object.entries(query)) {
    if (!isRecord(ops)) throw new FilterObjectError(`key condition on "${field}" needs an operator object`);
    for (const [op, v] of Object.entries(ops)) {
      if (v !== undefined) parts.push(b.operator(field, op, v));
    }
  }
  return { expression: parts.join(' AND '), expressionNames: b.names, expressionValues: b.values };
}

/** A projection list as `{expression, expressionNames}` (dotted paths split into names). */
export function buildProjection(fields: readonly string[]): {
  expression: string;
  expressionNames: Record<string, string>;
} {
  const names: Record<string, string> = {};
  const paths = fields.map((f) =>
    f
      .split('.')
      .map((part) => {
        const placeholder = `#${part.replace(/[^A-Za-z0-9_]/g, '_')}`;
        names[placeholder] = part;
        return placeholder;
      })
      .join('.'),
  );
  return { expression: paths.join(','), expressionNames: names };
}
