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
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalCredentials } from '../credentials.js';
import { alleycatApiDefinition } from './apiDefinition.js';
import type { LocalApiKey } from './apiKey.js';
import type { HttpRouter } from './httpRouter.js';
import type { CognitoEndpoints } from './userPool.js';

export interface ApiOptions {
  readonly router: HttpRouter;
  readonly schemaFile: string;
  readonly bundles: ReadonlyMap<string, { readonly code: string }>;
  readonly dynamodb: { readonly endpoint: string; readonly tableName: string };
  readonly kinesis: { readonly endpoint: string; readonly streamName: string };
  /** `ctx.env` of the resolvers, as the CDK stack sets it. */
  readonly race: { readonly raceSeconds: number; readonly graceSeconds: number };
  readonly apiKey: LocalApiKey;
  /** The stack's IAM key pair: the one principal the IAM-only fields accept; the data sources sign with it too. */
  readonly credentials: LocalCredentials;
  /** The riders' pool: the API's AMAZON_COGNITO_USER_POOLS mode, as CDK adds it. */
  readonly userPool: CognitoEndpoints;
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
      schema: fs.readFileSync(o.schemaFile, 'utf8'),
      bundles: o.bundles,
      dynamodb: o.dynamodb,
      kinesisEndpoint: o.kinesis.endpoint,
      credentials: o.credentials,
      environmentVariables: {
        TABLE_NAME: o.dynamodb.tableName,
        STREAM_NAME: o.kinesis.streamName,
        RACE_SECONDS: String(o.race.raceSeconds),
        GRACE_SECONDS: String(o.race.graceSeconds),
      },
      auth: {
        apiKeys: [{ id: o.apiKey.id, expiresAt: o.apiKey.expiresAt }],
        iam: [{ ...o.credentials, accountId: LOCAL_ACCOUNT_ID }],
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
  const graphql = createGraphqlHandler(runtime);
  o.router.add((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') return false;
    graphql(req, res);
    return true;
  });
  const realtime = attachRealtime(o.router.servers, realtimeBackendFor(runtime), { meter });
  return { realtime, meter, stop: () => realtime.close() };
}
