/**
 * util.error's `data` "is filtered by the query selection set" [DOC built-in-util-js]:
 * only the fields the client asked for come back in the error's `data`.
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { isRecord } from '../../../lib/isRecord.js';

function filterSet(value: unknown, set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): unknown {
  if (Array.isArray(value)) return value.map((v) => filterSet(v, set, fragments));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const visit = (s: SelectionSetNode): void => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (!Object.hasOwn(value, name)) continue;
        out[name] = sel.selectionSet ? filterSet(value[name], sel.selectionSet, fragments) : value[name];
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else {
        const f = fragments[sel.name.value];
        if (f) visit(f.selectionSet);
      }
    }
  };
  visit(set);
  return out;
}

/** Filters error data by the field's selection set (scalar fields: data unchanged). */
export function filterErrorData(
  data: unknown,
  fieldNodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): unknown {
  const set = fieldNodes[0]?.selectionSet;
  if (!set || data === null || data === undefined) return data ?? null;
  return filterSet(data, set, fragments);
}
