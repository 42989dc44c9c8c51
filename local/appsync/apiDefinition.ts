/**
 * The definition of a GraphQL API, in the vocabulary of AppSync's control
 * plane and its CloudFormation resources (AWS::AppSync::GraphQLApi,
 * DataSource, FunctionConfiguration, Resolver, ApiKey). The runtime knows no
 * API of its own: whoever starts it hands one of these over.
 */

/** The credentials a data source signs with (AppSync assumes the data source's service role). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** `AMAZON_DYNAMODB`, `HTTP` and `NONE` are reproduced; AppSync's other types are not. */
export type DataSourceType = 'AMAZON_DYNAMODB' | 'HTTP' | 'NONE';

export interface DynamoDbDataSourceDefinition {
  readonly name: string;
  readonly type: 'AMAZON_DYNAMODB';
  readonly dynamodbConfig: { readonly tableName: string; readonly awsRegion: string };
  /** Where the table is served (DynamoDB Local); AppSync itself calls the region's endpoint. */
  readonly endpoint: string;
  /** Default: any credentials, which DynamoDB Local accepts. */
  readonly credentials?: AwsCredentials;
}

export interface HttpDataSourceDefinition {
  readonly name: string;
  readonly type: 'HTTP';
  readonly httpConfig: {
    readonly endpoint: string;
    /** Requests are SigV4-signed (an HTTP data source calling an AWS service, e.g. Kinesis). */
    readonly authorizationConfig: {
      readonly authorizationType: 'AWS_IAM';
      readonly awsIamConfig: { readonly signingRegion: string; readonly signingServiceName: string };
    };
  };
  /** Default: any credentials, which the local emulators accept. */
  readonly credentials?: AwsCredentials;
}

export interface NoneDataSourceDefinition {
  readonly name: string;
  readonly type: 'NONE';
}

export type DataSourceDefinition = DynamoDbDataSourceDefinition | HttpDataSourceDefinition | NoneDataSourceDefinition;

/** A pipeline function (AWS::AppSync::FunctionConfiguration) with its APPSYNC_JS code. */
export interface FunctionDefinition {
  readonly name: string;
  readonly dataSourceName: string;
  /** One ES module exporting `request` and `response` (runtime APPSYNC_JS 1.0.0). */
  readonly code: string;
}

export type ResolverKind = 'UNIT' | 'PIPELINE';

interface ResolverBase {
  readonly typeName: string;
  readonly fieldName: string;
  /** One ES module exporting `request` and `response` (runtime APPSYNC_JS 1.0.0). */
  readonly code: string;
}

export interface UnitResolverDefinition extends ResolverBase {
  readonly kind: 'UNIT';
  readonly dataSourceName: string;
}

export interface PipelineResolverDefinition extends ResolverBase {
  readonly kind: 'PIPELINE';
  /** Function names, in order (AppSync: at most 10). */
  readonly pipelineConfig: { readonly functions: readonly string[] };
}

export type ResolverDefinition = UnitResolverDefinition | PipelineResolverDefinition;

export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS';

export interface ApiKeyConfig {
  readonly id: string;
  /** Expiry as epoch seconds (AppSync's `expires`), epoch millis, or an ISO date. */
  readonly expiresAt: number | string;
}

export interface IamPrincipalConfig {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  /** Defaults to `arn:aws:iam::<accountId>:user/<accessKeyId>`. */
  readonly userArn?: string;
  /**
   * The caller's identity-based policy, evaluated by whoever defines the
   * principal: asked `appsync:GraphQL` on the ARN of each root field the
   * caller uses (`arn:aws:appsync:<region>:<account>:apis/<apiId>/types/<Type>/fields/<field>`).
   * Without it, no policy limits the caller.
   */
  readonly allows?: (action: string, resource: string) => boolean;
}

/** AppSync's `userPoolConfig` of an AMAZON_COGNITO_USER_POOLS provider, plus where a local pool publishes its keys. */
export interface UserPoolConfig {
  readonly userPoolId: string;
  readonly awsRegion: string;
  /** Tokens of other app clients are refused (`aud` of ID tokens, `client_id` of access tokens). */
  readonly appIdClientRegex?: string;
  /** Only when the pool is the default mode: what a caller is allowed without a directive naming it. Default ALLOW. */
  readonly defaultAction?: 'ALLOW' | 'DENY';
  /**
   * The pool's token issuer (`iss`); its keys are at `<issuer>/.well-known/jwks.json`.
   * Default: Cognito's `https://cognito-idp.<awsRegion>.amazonaws.com/<userPoolId>`; a local pool names its own.
   */
  readonly issuer?: string;
}

export interface AuthConfig {
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly iam: readonly IamPrincipalConfig[];
  /** The AMAZON_COGNITO_USER_POOLS provider, if the API has one. */
  readonly userPool?: UserPoolConfig;
  /** The API's default mode (AppSync "primary" authentication type). Default API_KEY. */
  readonly defaultMode?: AuthMode;
  /** Region the API lives in (SigV4 credential scope). Default us-east-1. */
  readonly region?: string;
}

export interface GraphqlApiDefinition {
  /** The API id in ARNs (`arn:aws:appsync:<region>:<account>:apis/<apiId>/…`); default `local`. */
  readonly apiId?: string;
  /** The schema (SDL); AppSync's scalars and directives are added when missing. */
  readonly schema: string;
  readonly dataSources: readonly DataSourceDefinition[];
  readonly functions?: readonly FunctionDefinition[];
  readonly resolvers: readonly ResolverDefinition[];
  /** `ctx.env` (AppSync environment variables). */
  readonly environmentVariables?: Readonly<Record<string, string>>;
  readonly auth: AuthConfig;
  /** Nesting levels a query may have, 1..75 (AppSync's `queryDepthLimit`); unset or 0: no limit. */
  readonly queryDepthLimit?: number;
  /** Resolvers one request may run, 1..10000 (AppSync's `resolverCountLimit`); unset or 0: 10000. */
  readonly resolverCountLimit?: number;
  /** AppSync's `introspectionConfig`; default ENABLED. */
  readonly introspectionConfig?: 'ENABLED' | 'DISABLED';
}
