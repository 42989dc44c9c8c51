/**
 * Runs graphql-js's `execute` over variables that are already coerced,
 * without coercing them again. graphql-js coerces an operation's variables at
 * the start of every `execute`; a sliced operation (executeInSlices.ts)
 * coerces them once for the whole request, and walking a request of
 * thousands of input values again for every slice costs as much as its
 * resolvers.
 *
 * The slice's variable definitions are given a type that takes any value as
 * it is: a scalar whose `parseValue` is the identity, found only through a
 * view of the schema whose `getType` knows it under a Symbol. No document,
 * query or introspection can name a Symbol, so the type is invisible to
 * everything but the variable coercion of these slices.
 */
import {
  GraphQLScalarType,
  Kind,
  type GraphQLNamedType,
  type GraphQLSchema,
  type NamedTypeNode,
  type VariableDefinitionNode,
} from 'graphql';

const PRECOERCED = Symbol('precoerced');

const precoercedScalar = new GraphQLScalarType({
  name: 'Precoerced',
  parseValue: (value) => value,
});

/** The type node of a precoerced variable (nullable: a value's nullability was checked when it was coerced). */
const PRECOERCED_TYPE: NamedTypeNode = {
  kind: Kind.NAMED_TYPE,
  name: { kind: Kind.NAME, value: PRECOERCED as unknown as string },
};

const views = new WeakMap<GraphQLSchema, GraphQLSchema>();

/** `schema`, except that the precoerced type node resolves to the identity scalar. */
export function precoercedSchema(schema: GraphQLSchema): GraphQLSchema {
  let view = views.get(schema);
  if (view === undefined) {
    const made = Object.create(schema) as GraphQLSchema;
    made.getType = (name: string): GraphQLNamedType | undefined =>
      (name as unknown) === PRECOERCED ? precoercedScalar : schema.getType(name);
    views.set(schema, made);
    view = made;
  }
  return view;
}

/**
 * Variable definitions that take coerced values as they are. A variable the
 * coerced values lack stays absent (no default: a default was applied when
 * they were coerced).
 */
export function precoercedDefinitions(definitions: readonly VariableDefinitionNode[]): VariableDefinitionNode[] {
  return definitions.map((d) => ({
    kind: d.kind,
    variable: d.variable,
    type: PRECOERCED_TYPE,
    directives: d.directives,
  }));
}
