/**
 * ctx.info.selectionSetList and selectionSetGraphQL [DOC resolver-context-reference-js]:
 * the list uses aliases where given, `/`-separated paths ("author/name"), and
 * only fields of the current type; the GraphQL text is the field's selection set.
 */
import { Kind, print, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

function collect(
  set: SelectionSetNode | undefined,
  prefix: string,
  fragments: Record<string, FragmentDefinitionNode>,
  out: string[],
  seen: Set<string>,
): void {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      const key = `${prefix}${sel.alias?.value ?? sel.name.value}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(key);
      }
      collect(sel.selectionSet, `${key}/`, fragments, out, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(sel.selectionSet, prefix, fragments, out, seen);
    } else {
      const frag = fragments[sel.name.value];
      if (frag) collect(frag.selectionSet, prefix, fragments, out, seen);
    }
  }
}

export function selectionSetList(
  fieldNodes: readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const node of fieldNodes) collect(node.selectionSet, '', fragments, out, seen);
  return out;
}

export function selectionSetGraphQL(fieldNodes: readonly FieldNode[]): string {
  const set = fieldNodes[0]?.selectionSet;
  return set ? print(set) : '';
}
