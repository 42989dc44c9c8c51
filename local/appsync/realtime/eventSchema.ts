/**
 * The schema subscription events are executed against: the API's types
 * rebuilt from their SDL so no resolver attached by the runtime runs (a
 * subscriber's selection set is applied to the mutation's result with plain
 * property reads, as AppSync does), with the runtime's scalar behaviour kept.
 */
import {
  buildASTSchema,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  type DefinitionNode,
  type GraphQLSchema,
} from 'graphql';

/** A resolver-free copy of `schema` (types, directives and scalars preserved). */
export function eventSchemaOf(schema: GraphQLSchema): GraphQLSchema {
  const definitions: DefinitionNode[] = [];
  if (schema.astNode) definitions.push(schema.astNode);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (!type.astNode) return schema; // built programmatically: nothing to rebuild from
    definitions.push(type.astNode, ...type.extensionASTNodes);
  }
  for (const directive of schema.getDirectives()) if (directive.astNode) definitions.push(directive.astNode);
  const copy = buildASTSchema({ kind: Kind.DOCUMENT, definitions }, { assumeValidSDL: true });
  for (const type of Object.values(copy.getTypeMap())) {
    const original = schema.getType(type.name);
    if (isScalarType(type) && isScalarType(original) && !isSpecifiedScalarType(type)) {
      type.serialize = original.serialize;
      type.parseValue = original.parseValue;
      type.parseLiteral = original.parseLiteral;
    }
  }
  return copy;
}
