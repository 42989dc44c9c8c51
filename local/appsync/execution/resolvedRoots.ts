/**
 * Runs a slice of root fields (executeInSlices.ts) whose results are plain
 * values in two steps: graphql-js runs the root fields' resolvers (arguments,
 * auth, errors, the serial order of mutations, all its own) against a view of
 * the schema in which each root field returns its resolver's value as it is;
 * then each value is completed by the field's compiled plan
 * (completionPlan.ts) instead of graphql-js's per-field machinery. A value
 * the plan cannot complete (one graphql-js would report an error on) is
 * completed by graphql-js itself, over the same types and their resolvers,
 * so errors, paths and nulls are graphql-js's.
 *
 * Taken only when every root field of the slice is a nullable field of the
 * root type with a plain selection (no directives, no fragments around it,
 * no argument or resolver below it, every field readable by the caller, no
 * deeper than the depth limit): a nullable root field's completion affects
 * nothing but its own key, so completing after the resolvers ran gives what
 * one execution gives, errors ordered by root field as it orders them.
 */
import {
  GraphQLError,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  execute,
  isNonNullType,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { compileCompletion, type Complete } from './completionPlan.js';

/** What the caller may read plainly, and how deep. */
export interface RootCompletion {
  /** A field with no resolver that the caller's auth admits. */
  readonly isPlain: (typeName: string, fieldName: string) => boolean;
  /** The API's query depth limit (root fields at depth 1). */
  readonly maxDepth: number;
}

/** A root field's value, as its resolver gave it. */
const resolvedScalar = new GraphQLScalarType({ name: 'Resolved', serialize: (value) => value });

type RootTypeOverride = (type: GraphQLObjectType) => GraphQLObjectType;

/** A view of `schema` whose root types are replaced by `override` (each made once). */
function rootView(schema: GraphQLSchema, override: RootTypeOverride): GraphQLSchema {
  const made = new Map<GraphQLObjectType, GraphQLObjectType>();
  const replaced = (type: GraphQLObjectType | null | undefined) => {
    if (!type) return type;
    let clone = made.get(type);
    if (clone === undefined) {
      clone = override(type);
      made.set(type, clone);
    }
    return clone;
  };
  const view = Object.create(schema) as GraphQLSchema;
  view.getRootType = (operation: OperationTypeNode) => replaced(schema.getRootType(operation)) ?? undefined;
  view.getQueryType = () => replaced(schema.getQueryType()) ?? undefined;
  view.getMutationType = () => replaced(schema.getMutationType()) ?? undefined;
  view.getSubscriptionType = () => replaced(schema.getSubscriptionType()) ?? undefined;
  return view;
}

/** A copy of a root type whose fields are configured by `configOf`. */
function withFields(
  type: GraphQLObjectType,
  configOf: (field: GraphQLField<unknown, unknown>) => GraphQLFieldConfig<unknown, unknown>,
): GraphQLObjectType {
  return new GraphQLObjectType({
    name: type.name,
    fields: () => {
      const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
      for (const field of Object.values(type.getFields())) fields[field.name] = configOf(field);
      return fields;
    },
  });
}

/** The root type with every field returning its resolver's value uncompleted (its nullability kept). */
function returningResolved(type: GraphQLObjectType): GraphQLObjectType {
  return withFields(type, (field) => {
    const args: GraphQLFieldConfigArgumentMap = {};
    for (const arg of field.args) args[arg.name] = { type: arg.type, defaultValue: arg.defaultValue };
    return {
      type: isNonNullType(field.type) ? new GraphQLNonNull(resolvedScalar) : resolvedScalar,
      args,
      ...(field.resolve ? { resolve: field.resolve } : {}),
    };
  });
}

/** The root type with every field reading the root value's entry of its response key, its type kept. */
function readingRoot(type: GraphQLObjectType): GraphQLObjectType {
  return withFields(type, (field) => ({
    type: field.type,
    resolve: (root, _args, _context, info) => (root as Record<string, unknown>)[String(info.path.key)],
  }));
}

const views = new WeakMap<GraphQLSchema, { resolving: GraphQLSchema; completing: GraphQLSchema }>();

function viewsOf(schema: GraphQLSchema) {
  let made = views.get(schema);
  if (made === undefined) {
    made = { resolving: rootView(schema, returningResolved), completing: rootView(schema, readingRoot) };
    views.set(schema, made);
  }
  return made;
}

/** Levels of fields in `set` below a field (0 for a leaf). */
function depthBelow(set: SelectionSetNode | undefined): number {
  if (!set) return 0;
  let deepest = 0;
  for (const s of set.selections)
    if (s.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthBelow(s.selectionSet));
  return deepest;
}

interface PlannedRoot {
  readonly node: FieldNode;
  readonly responseName: string;
  readonly complete: Complete;
}

/** The plans of a slice's root selections, or undefined when the slice is not the plain case. */
function planRoots(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  selections: readonly SelectionNode[],
  completion: RootCompletion,
): PlannedRoot[] | undefined {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType || (operation.directives?.length ?? 0) > 0) return undefined;
  const planned: PlannedRoot[] = [];
  const names = new Set<string>();
  for (const node of selections) {
    if (node.kind !== Kind.FIELD || (node.directives?.length ?? 0) > 0 || !node.selectionSet) return undefined;
    const responseName = node.alias?.value ?? node.name.value;
    const field = rootType.getFields()[node.name.value];
    if (!field || isNonNullType(field.type) || names.has(responseName)) return undefined;
    names.add(responseName);
    if (1 + depthBelow(node.selectionSet) > completion.maxDepth) return undefined;
    const complete = compileCompletion(field.type, node.selectionSet, completion.isPlain);
    if (!complete) return undefined;
    planned.push({ node, responseName, complete });
  }
  return planned;
}

/** Index of an error's root field among `order` (errors without a path first). */
function rootIndex(error: GraphQLError, order: ReadonlyMap<string, number>): number {
  const key = error.path?.[0];
  return typeof key === 'string' ? order.get(key) ?? -1 : -1;
}

/**
 * Runs the slice `selections` of `operation` (its document `args.document`)
 * in two steps when it is the plain case; undefined otherwise (the caller
 * executes it with graphql-js).
 */
export async function executeResolvedRoots(
  args: ExecutionArgs,
  operation: OperationDefinitionNode,
  selections: readonly SelectionNode[],
  fragments: readonly FragmentDefinitionNode[],
  completion: RootCompletion,
): Promise<ExecutionResult | undefined> {
  const planned = planRoots(args.schema, operation, selections, completion);
  if (!planned) return undefined;
  const { resolving, completing } = viewsOf(args.schema);
  const resolved = await execute({ ...args, schema: resolving });
  if (!resolved.data) return resolved;
  const raw = resolved.data as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const errors: GraphQLError[] = [...(resolved.errors ?? [])];
  for (const { node, responseName, complete } of planned) {
    const value = raw[responseName];
    if (value === null || value === undefined) {
      data[responseName] = null;
      continue;
    }
    try {
      data[responseName] = complete(value);
      continue;
    } catch {
      // graphql-js completes it below, with the errors it reports.
    }
    const single = await execute({
      ...args,
      schema: completing,
      document: {
        kind: Kind.DOCUMENT,
        definitions: [
          { ...operation, variableDefinitions: [], selectionSet: { kind: Kind.SELECTION_SET, selections: [node] } },
          ...fragments,
        ],
      },
      rootValue: { [responseName]: value },
      variableValues: {},
    });
    data[responseName] = (single.data as Record<string, unknown> | null | undefined)?.[responseName] ?? null;
    errors.push(...(single.errors ?? []));
  }
  const order = new Map(planned.map((p, i) => [p.responseName, i]));
  // Array.prototype.sort is stable: within a root field graphql-js's own order stays.
  errors.sort((a, b) => rootIndex(a, order) - rootIndex(b, order));
  return errors.length > 0 ? { data, errors } : { data };
}
