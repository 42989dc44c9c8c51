/**
 * Loads every resolver and pipeline function of an API definition into the
 * sandbox. A bundle is checked now, so a bad one fails at start-up as it would
 * fail a deploy.
 */
import type { FunctionDefinition, ResolverDefinition } from '../apiDefinition.js';
import type { DataSource } from '../datasources/types.js';
import { RuntimeConfigError } from '../errors.js';
import { loadBundle } from '../runtime/loadBundle.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { LoadedResolver, PipelineFunction } from './runResolver.js';

// "Pipeline resolvers: 10 functions" (AppSync quotas).
const MAX_PIPELINE_FUNCTIONS = 10;

export interface ResolverSources {
  readonly resolvers: readonly ResolverDefinition[];
  readonly functions: readonly FunctionDefinition[];
  readonly dataSources: ReadonlyMap<string, DataSource>;
}

/** Loaded resolvers by `<typeName>.<fieldName>`. */
export function loadResolvers(
  sources: ResolverSources,
  sandbox: Sandbox,
  timeoutMs: number,
): Map<string, LoadedResolver> {
  const dataSource = (name: string, user: string): DataSource => {
    const found = sources.dataSources.get(name);
    if (!found) throw new RuntimeConfigError(`${user}: no data source named "${name}"`);
    return found;
  };
  const functions = new Map<string, PipelineFunction>();
  const functionNamed = (name: string, user: string): PipelineFunction => {
    const known = functions.get(name);
    if (known) return known;
    const definition = sources.functions.find((f) => f.name === name);
    if (!definition) throw new RuntimeConfigError(`${user}: no pipeline function named "${name}"`);
    const id = `functions/${name}`;
    const loaded = {
      id,
      bundle: loadBundle(definition.code, `${id}.js`, sandbox, timeoutMs),
      dataSource: dataSource(definition.dataSourceName, id),
    };
    functions.set(name, loaded);
    return loaded;
  };

  const loaded = new Map<string, LoadedResolver>();
  for (const resolver of sources.resolvers) {
    const id = `${resolver.typeName}.${resolver.fieldName}`;
    if (loaded.has(id)) throw new RuntimeConfigError(`${id}: more than one resolver`);
    const bundle = loadBundle(resolver.code, `${id}.js`, sandbox, timeoutMs);
    if (resolver.kind === 'PIPELINE') {
      const names = resolver.pipelineConfig.functions;
      if (names.length > MAX_PIPELINE_FUNCTIONS)
        throw new RuntimeConfigError(
          `${id}: a pipeline has at most ${MAX_PIPELINE_FUNCTIONS} functions (AppSync quota)`,
        );
      loaded.set(id, { id, bundle, functions: names.map((name) => functionNamed(name, id)) });
    } else {
      loaded.set(id, { id, bundle, dataSource: dataSource(resolver.dataSourceName, id) });
    }
  }
  return loaded;
}
