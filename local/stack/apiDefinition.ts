/**
 * Alleycat's API as the local AppSync runtime takes it: resolvers/manifest.ts
 * (which field has which resolver on which data source) and the bundles of
 * resolvers/build.ts, translated into AppSync's own definition, with the data
 * sources pointed at the local emulators.
 */
import { DATA_SOURCES, RESOLVERS, resolverFile, type DataSourceName } from '../../resolvers/manifest.js';
import type {
  AuthConfig,
  DataSourceDefinition,
  FunctionDefinition,
  GraphqlApiDefinition,
  ResolverDefinition,
} from '../appsync/index.js';
import { API } from '../../infra/settings.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION, type LocalCredentials } from '../credentials.js';
import { StackStartError } from './errors.js';

/**
 * A data source that is not given an emulator still has to exist (AppSync
 * refuses a resolver on an unknown data source); nothing listens here, so a
 * call fails as a call to a missing table or stream would.
 */
const UNREACHABLE_ENDPOINT = 'http://127.0.0.1:1';

export interface AlleycatApiOptions {
  /** schema.graphql */
  readonly schema: string;
  /** Code by bundle name (`Query.race`, `functions/getLiveBoardHead`), as bundleResolvers() returns it. */
  readonly bundles: ReadonlyMap<string, { readonly code: string }>;
  /** The table's emulator; without it, table calls fail. */
  readonly dynamodb?: { readonly endpoint: string; readonly tableName: string };
  /** The stream's emulator; without it, Kinesis calls fail. */
  readonly kinesisEndpoint?: string;
  readonly environmentVariables?: Readonly<Record<string, string>>;
  readonly auth: AuthConfig;
  /** The API id in the ARNs IAM policies name (the local stack's: LOCAL_API_ID). */
  readonly apiId?: string;
  /** What the data sources sign with (AppSync: their service role); default: the emulators' placeholder. */
  readonly credentials?: LocalCredentials;
  /** A data source's own role session, where it has one (the stack's IAM check knows its statements). */
  readonly dataSourceCredentials?: Readonly<Partial<Record<DataSourceName, LocalCredentials>>>;
}

function dataSource(name: DataSourceName, options: AlleycatApiOptions): DataSourceDefinition {
  const type = DATA_SOURCES[name].kind;
  const credentials = options.dataSourceCredentials?.[name] ?? options.credentials ?? EMULATOR_CREDENTIALS;
  switch (type) {
    case 'NONE':
      return { name, type };
    case 'AMAZON_DYNAMODB':
      return {
        name,
        type,
        dynamodbConfig: { tableName: options.dynamodb?.tableName ?? 'unused', awsRegion: LOCAL_REGION },
        endpoint: options.dynamodb?.endpoint ?? UNREACHABLE_ENDPOINT,
        credentials,
      };
    case 'HTTP':
      // The CDK stack's Kinesis data source: an HTTP data source signing for the kinesis service.
      return {
        name,
        type,
        httpConfig: {
          endpoint: options.kinesisEndpoint ?? UNREACHABLE_ENDPOINT,
          authorizationConfig: {
            authorizationType: 'AWS_IAM',
            awsIamConfig: { signingRegion: LOCAL_REGION, signingServiceName: 'kinesis' },
          },
        },
        credentials,
      };
  }
}

/** The API definition of Alleycat for the local AppSync runtime. */
export function alleycatApiDefinition(options: AlleycatApiOptions): GraphqlApiDefinition {
  const code = (bundle: string): string => {
    const found = options.bundles.get(bundle);
    if (!found)
      throw new StackStartError(`no bundle named "${bundle}"`, 'Build the resolvers with resolvers/build.ts.');
    return found.code;
  };
  const functions = new Map<string, FunctionDefinition>();
  const resolvers: ResolverDefinition[] = RESOLVERS.map((spec) => {
    const base = { typeName: spec.typeName, fieldName: spec.fieldName, code: code(resolverFile(spec)) };
    if (spec.functions) {
      for (const fn of spec.functions)
        functions.set(fn.name, { name: fn.name, dataSourceName: fn.dataSource, code: code(`functions/${fn.name}`) });
      return { ...base, kind: 'PIPELINE', pipelineConfig: { functions: spec.functions.map((fn) => fn.name) } };
    }
    if (!spec.dataSource)
      throw new StackStartError(
        `${resolverFile(spec)} has neither a data source nor functions`,
        'Fix resolvers/manifest.ts.',
      );
    return { ...base, kind: 'UNIT', dataSourceName: spec.dataSource };
  });
  return {
    ...(options.apiId ? { apiId: options.apiId } : {}),
    schema: options.schema,
    dataSources: (Object.keys(DATA_SOURCES) as DataSourceName[]).map((name) => dataSource(name, options)),
    functions: [...functions.values()],
    resolvers,
    ...(options.environmentVariables ? { environmentVariables: options.environmentVariables } : {}),
    auth: options.auth,
    // The limits the CDK stack deploys (infra/constructs/Api.ts).
    queryDepthLimit: API.queryDepthLimit,
    resolverCountLimit: API.resolverCountLimit,
    introspectionConfig: API.introspectionConfig,
  };
}
