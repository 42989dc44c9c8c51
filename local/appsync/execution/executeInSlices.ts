/**
 * Executes an operation's root fields a slice at a time, yielding to the
 * event loop between slices and stopping once the response outgrows its
 * limit. One request with thousands of root fields (aliases of one field,
 * repeated introspection) would otherwise hold the process for its whole
 * run, since resolvers that settle at once never let other sockets in.
 *
 * The result is what one graphql-js execution of the whole operation gives:
 * root fields are independent (queries) or run in order (mutations, and the
 * slices run in order too); fields with one response key stay in one slice so
 * that they merge; a field inside fragments keeps the fragments' directives
 * and type conditions, as inline fragments around it.
 */
import {
  Kind,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { coerceVariables } from './coerceVariables.js';
import { precoercedDefinitions, precoercedSchema } from './precoercedVariables.js';
import { executeResolvedRoots, type RootCompletion } from './resolvedRoots.js';

/** Root response keys per slice; operations with no more than this run in one piece. */
export const ROOT_KEYS_PER_SLICE = 16;

export interface SlicedResult {
  readonly data: Record<string, unknown> | null;
  readonly errors: readonly GraphQLError[];
  /** True when the response passed `maxResponseBytes` (execution stopped there; `data` is what ran). */
  readonly tooLarge: boolean;
}

/** Root selections with their response key, lifted out of fragments. */
function rootSelections(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  out: Map<string, SelectionNode[]>,
  wrap: (s: SelectionNode) => SelectionNode,
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const list = out.get(key);
      if (list) list.push(wrap(sel));
      else out.set(key, [wrap(sel)]);
      continue;
    }
    const inner = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
    if (!inner) continue;
    const directives = sel.directives ?? [];
    const typeCondition = inner.typeCondition;
    rootSelections(inner.selectionSet, fragments, out, (s) =>
      wrap({
        kind: Kind.INLINE_FRAGMENT,
        ...(typeCondition ? { typeCondition } : {}),
        directives,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [s] },
      }),
    );
  }
}

/** Names of the variables `nodes` use, through the fragments they spread. */
function variablesUsed(nodes: readonly unknown[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): Set<string> {
  const used = new Set<string>();
  const spread = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as { kind?: unknown; name?: { value?: unknown } };
    if (node.kind === Kind.VARIABLE && typeof node.name?.value === 'string') {
      used.add(node.name.value);
      return;
    }
    if (node.kind === Kind.FRAGMENT_SPREAD && typeof node.name?.value === 'string' && !spread.has(node.name.value)) {
      spread.add(node.name.value);
      walk(fragments.get(node.name.value));
    }
    for (const [key, child] of Object.entries(value)) if (key !== 'loc') walk(child);
  };
  walk(nodes);
  return used;
}

/** Rough size of an error in the response (its message, path and AppSync's fields). */
function errorBytes(e: GraphQLError): number {
  return e.message.length + 160;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `args` (a validated document) for `operation`, sliced when it has many
 * root keys, and checks the size of what it produced against `maxResponseBytes`.
 */
export async function executeInSlices(
  args: ExecutionArgs,
  operation: OperationDefinitionNode,
  maxResponseBytes: number,
  completion?: RootCompletion,
): Promise<SlicedResult> {
  const fragmentDefinitions = args.document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const fragments = new Map(fragmentDefinitions.map((f) => [f.name.value, f]));
  const byKey = new Map<string, SelectionNode[]>();
  rootSelections(operation.selectionSet, fragments, byKey, (s) => s);
  const keys = [...byKey.keys()];
  if (keys.length <= ROOT_KEYS_PER_SLICE) {
    const result = await execute(args);
    const data = (result.data as Record<string, unknown> | null | undefined) ?? null;
    const errors = result.errors ?? [];
    const size = JSON.stringify(data).length + errors.reduce((n, e) => n + errorBytes(e), 0);
    return { data, errors, tooLarge: size > maxResponseBytes };
  }
  // Every variable is coerced once, as one execution would do before running any field (an invalid one
  // refuses the whole operation); each slice then declares only the variables its own fields use, and takes
  // their coerced values as they are (a request's variables can be large: many fields' inputs).
  const coerced = coerceVariables(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}, {
    maxErrors: 50,
  });
  if (coerced.errors) return { data: null, errors: coerced.errors, tooLarge: false };
  const data: Record<string, unknown> = {};
  const errors: GraphQLError[] = [];
  let size = 2;
  for (let from = 0; from < keys.length; from += ROOT_KEYS_PER_SLICE) {
    if (from > 0) await nextTurn();
    const selections = keys.slice(from, from + ROOT_KEYS_PER_SLICE).flatMap((k) => byKey.get(k) ?? []);
    const used = variablesUsed(selections, fragments);
    const variableDefinitions = precoercedDefinitions(
      (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)),
    );
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { ...operation, variableDefinitions, selectionSet: { kind: Kind.SELECTION_SET, selections } },
        ...fragmentDefinitions,
      ],
    };
    const sliceArgs: ExecutionArgs = {
      ...args,
      schema: precoercedSchema(args.schema),
      document,
      variableValues: coerced.coerced,
      operationName: operation.name?.value,
    };
    // Root fields whose results are plain values are completed by their compiled plans (resolvedRoots.ts).
    const result =
      (completion && (await executeResolvedRoots(sliceArgs, operation, selections, fragmentDefinitions, completion))) ??
      (await execute(sliceArgs));
    errors.push(...(result.errors ?? []));
    // A non-null root field failed: the whole data is null, as in one execution.
    if (!result.data) return { data: null, errors, tooLarge: false };
    for (const [key, value] of Object.entries(result.data)) {
      data[key] = value;
      size += key.length + 4 + JSON.stringify(value ?? null).length;
    }
    for (const e of result.errors ?? []) size += errorBytes(e);
    if (size > maxResponseBytes) return { data, errors, tooLarge: true };
  }
  return { data, errors, tooLarge: false };
}
