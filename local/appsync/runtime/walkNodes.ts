/**
 * A walk over every node of a parsed bundle (acorn's ESTree), for the passes
 * that look at each node: the syntax gate (checkSyntax.ts) and the budget
 * ticks (loadBundle.ts).
 */
import type { Node } from 'acorn';

/** True for a syntax tree node (an object with a string `type`). */
export function isNode(value: unknown): value is Node & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Every node below and including `root`, depth first; source locations are left out. */
export function* walkNodes(root: Node): Generator<Node & Record<string, unknown>> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isNode(node)) continue;
    yield node;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'loc') continue;
      if (Array.isArray(child)) for (const c of child) stack.push(c);
      else if (isNode(child)) stack.push(child);
    }
  }
}
