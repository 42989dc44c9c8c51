/** Files of the repository the stack reads, resolved from this module (not from the working directory). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The GraphQL schema that deploys (appsync.graphql only declares AppSync's built-ins for local tools). */
export const SCHEMA_FILE = path.join(REPO_ROOT, 'schema.graphql');
/** The folder of resolver sources (resolvers/<Type>.<field>.ts, resolvers/functions/<name>.ts). */
export const RESOLVERS_DIR = path.join(REPO_ROOT, 'resolvers');

/** The handler file of one Lambda function (functions/<name>/handler.ts, export `handler`). */
export function functionEntry(name: string): string {
  return path.join(REPO_ROOT, 'functions', name, 'handler.ts');
}
