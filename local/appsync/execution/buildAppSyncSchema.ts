/** Builds the executable schema: the API's SDL plus AppSync's scalars and directives where missing. */
import { buildASTSchema, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { APPSYNC_DEFINITIONS, installAppSyncScalars } from './scalars.js';

export function buildAppSyncSchema(schemaSdl: string): GraphQLSchema {
  const doc = parse(schemaSdl);
  const defined = new Set<string>();
  for (const def of doc.definitions) if ('name' in def && def.name) defined.add(def.name.value);
  const extra = Object.entries(APPSYNC_DEFINITIONS)
    .filter(([name]) => !defined.has(name))
    .map(([, sdl]) => sdl)
    .join('\n');
  const full: DocumentNode = extra ? { ...doc, definitions: [...doc.definitions, ...parse(extra).definitions] } : doc;
  const schema = buildASTSchema(full);
  installAppSyncScalars(schema);
  return schema;
}
