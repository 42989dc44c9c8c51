/**
 * The API part of the stack: the local AppSync runtime serving Alleycat's
 * definition on POST /graphql, and its real-time endpoint, on every server of
 * the router (HTTP and HTTPS alike).
 */
import fs from 'node:fs';
import {
  createAppSyncRuntime,
  createGraphqlHandler,
  createUsageMeter,
  realtimeBackendFor,
  type UsageMeter,
} from '../appsync/index.js';
import { attachRealtime, type RealtimeAttachment } from '../appsync/realtime/index.js';
import { LOCAL_ACCOUNT_ID, LOCAL_API_ID, LOCAL_REGION, type LocalCredentials } from '../credentials.js';
import { alleycatApiDefinition } from './apiDefinition.js';
import type { LocalApiKey } from './apiKey.js';
import type { HttpRouter } from './httpRouter.js';
import type { StackIam } from './stackIam.js';
import { assumedRoleArn } from '../iam/principal.js';
import { evaluatePolicy } from '../iam/policyDocument.js';
import type { CognitoEndpoints } from './userPool.js';
import type { WebAcl } from '../appsync/webAcl.js';

export interface ApiOptions {
  readonly router: HttpRouter;
  readonly schemaFile: string;
  readonly bundles: ReadonlyMap<string, { readonly code: string }>;
  readonly dynamodb: { readonly endpoint: string; readonly tableName: string };
  readonly kinesis: { readonly endpoint: string; readonly streamName: string };
  /** `ctx.env` of the resolvers, as the CDK stack sets it. */
  readonly race: { readonly raceSeconds: number; readonly graceSeconds: number };
  readonly apiKey: LocalApiKey;
  /**
   * The stack's IAM key pair (the operator's: no policy limits it); the data
   * sources sign with it too when the stack runs without its IAM check.
   */
  readonly credentials: LocalCredentials;
  /** The riders' pool: the API's AMAZON_COGNITO_USER_POOLS mode, as CDK adds it. */
  readonly userPool: CognitoEndpoints;
  /**
   * The roles' sessions: the data sources sign with their service roles' keys
   * (and call the emulators through the IAM check, `dynamodb`/`kinesis`
   * endpoints above), and the functions' role sessions may call the fields
   * their roles are granted `appsync:GraphQL` on.
   */
  readonly iam?: StackIam;
  /** The API's web ACL (the CDK stack's WAF rate rule), when the stack runs one. */
  readonly webAcl?: WebAcl;
}

export interface RunningApi {
  readonly realtime: RealtimeAttachment;
  /** What AppSync would bill for the requests and real-time traffic served. */
  readonly meter: UsageMeter;
  stop(): Promise<void>;
}

export function startApi(o: ApiOptions): RunningApi {
  const meter = createUsageMeter();
  const runtime = createAppSyncRuntime({
    meter,
    api: alleycatApiDefinition({
      apiId: LOCAL_API_ID,
      schema: fs.readFileSync(o.schemaFile, 'utf8'),
      bundles: o.bundles,
      dynamodb: o.dynamodb,
      kinesisEndpoint: o.kinesis.endpoint,
      credentials: o.credentials,
      ...(o.iam
        ? { dataSourceCredentials: { table: o.iam.dataSources.table, kinesis: o.iam.dataSources.kinesis } }
        : {}),
      environmentVariables: {
        TABLE_NAME: o.dynamodb.tableName,
        STREAM_NAME: o.kinesis.streamName,
        RACE_SECONDS: String(o.race.raceSeconds),
        GRACE_SECONDS: String(o.race.graceSeconds),
      },
      auth: {
        apiKeys: [{ id: o.apiKey.id, expiresAt: o.apiKey.expiresAt }],
        iam: [
          { ...o.credentials, accountId: LOCAL_ACCOUNT_ID },
          ...Object.values(o.iam?.functions ?? {}).map((p) => ({
            accessKeyId: p.accessKeyId,
            secretAccessKey: p.secretAccessKey,
            accountId: p.accountId,
            userArn: assumedRoleArn(p),
            // A function's role session may use only the fields its role is granted (appsync:GraphQL).
            allows: (action: string, resource: string) => {
              const decision = evaluatePolicy(p.statements, action, resource);
              if (decision === 'allowed') return true;
              o.iam?.reportDenied({ callerArn: assumedRoleArn(p), action, resource, decision });
              return false;
            },
          })),
        ],
        region: LOCAL_REGION,
        userPool: {
          userPoolId: o.userPool.userPoolId,
          awsRegion: o.userPool.region,
          // Only the riders' app client's tokens, as the CDK stack configures it.
          appIdClientRegex: o.userPool.userPoolClientId,
          // cognito-local issues tokens as itself, not as cognito-idp.<region>.amazonaws.com.
          issuer: `${o.userPool.endpoint}/${o.userPool.userPoolId}`,
        },
      },
    }),
  });
  const webAcl = o.webAcl ? { webAcl: o.webAcl } : {};
  const graphql = createGraphqlHandler(runtime, webAcl);
  o.router.add((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') return false;
    graphql(req, res);
    return true;
  });
  const realtime = attachRealtime(o.router.servers, realtimeBackendFor(runtime), { meter, ...webAcl });
  return { realtime, meter, stop: () => realtime.close() };
}
