/**
 * The whole system on one machine: DynamoDB Local, kinesalite and
 * cognito-local on loopback ports, the riders' user pool, the table and
 * stream from the CDK settings, ONE HTTP server (POST /graphql, the real-time WebSocket at /graphql/realtime, /ops/metrics,
 * /config.json and the web app) and its HTTPS twin with the local CA, the three event-source mappings with the
 * functions in-process, the finalizer's scheduled close, the simulator, and
 * `.alleycat/endpoints.json`. Each part has its own starter; this file only
 * composes them, in order, and stops them in reverse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMISSION, API_PROTECTION, RACE, STREAM, TABLE } from '../../infra/settings.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../credentials.js';
import type { LambdaHandler } from '../esm/eventSourceMapping.js';
import type { ProcessorConfig } from '../esm/processorConfig.js';
import { errorMessage } from '../../lib/toError.js';
import { loadOrCreateApiKey } from './apiKey.js';
import { ensurePrivateDir } from './privateFiles.js';
import { loadOrCreateStackCredentials } from './stackCredentials.js';
import { loadOrCreateStackTls } from './stackTls.js';
import { stackClients } from './clients.js';
import { closeScheduleIntervalMs, startCloseSchedule } from './closeSchedule.js';
import { removeEndpointsFile, stackEndpoints, writeEndpointsFile, type Endpoints } from './endpointsFile.js';
import type { FunctionName } from './functionEnv.js';
import { createHttpRouter } from './httpRouter.js';
import { ensureStream, ensureTable } from './resources.js';
import type { StackMapping } from './stackMappings.js';
import { DEFAULT_PORT, DEFAULT_RACERS, type StartArgs } from './startArgs.js';
import { startEmulators } from './startEmulators.js';
import { ensureUserPool } from './userPool.js';
import { stackParts, type PartStatus } from './stackParts.js';
import { acquireStateLock } from './stateLock.js';
import { startStackIam, type StackIam } from './stackIam.js';
import { createRateBasedRule } from '../waf/rateBasedRule.js';

export interface LocalStackOptions extends Partial<StartArgs> {
  /** Port of the HTTPS server; default: a free port (`alleycat start` passes its --tls-port, 4443 by default). */
  tlsPort?: number;
  /** Where state lives: endpoints.json, the API key, data/ (default `<cwd>/.alleycat`). */
  stateDir?: string;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
  /** Build the web app when web/dist is missing (default true). */
  buildWeb?: boolean;
  /** Poller overrides (tests). */
  esmOverrides?: Partial<ProcessorConfig>;
  /** Interval of the finalizer's scheduled close (default: infra/settings.ts CLOSE_SCHEDULE; tests shorten it). */
  closeScheduleMs?: number;
  /**
   * Wraps each real function handler (tests observe what the mappings
   * deliver this way; the function itself still runs).
   */
  wrapHandler?: (name: FunctionName, handler: LambdaHandler) => LambdaHandler;
}

export interface LocalStack {
  endpoints: Endpoints;
  endpointsFile: string;
  parts: PartStatus[];
  mappings: StackMapping[];
  /** The roles' sessions and the IAM check in front of the emulators (refused calls are counted there). */
  iam: StackIam;
  /** Process ids of the emulators (for the no-orphans check). */
  pids: { dynamodb: number | undefined; kinesis: number | undefined; cognito: number | undefined };
  stop(): Promise<void>;
}

/** The repository root (schema.graphql, web/, node_modules/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The in-process starters, the functions and the resolver bundles, loaded
 * while the emulators start (DynamoDB Local's JVM dominates start-up).
 */
async function loadParts() {
  const [api, mappings, ops, web, simulator, build, aggregator, finalizer, allTime] = await Promise.all([
    import('./startApi.js'),
    import('./startMappings.js'),
    import('./startOps.js'),
    import('./startWebApp.js'),
    import('../simulator/startSimulator.js'),
    import('../../resolvers/build.js'),
    import('../../functions/aggregator/handler.js'),
    import('../../functions/finalizer/handler.js'),
    import('../../functions/allTime/handler.js'),
  ]);
  // Each function's own event type; the mapping hands it what Lambda would.
  const handlers: Record<FunctionName, LambdaHandler> = {
    aggregator: aggregator.handler as LambdaHandler,
    finalizer: finalizer.handler as LambdaHandler,
    allTime: allTime.handler as LambdaHandler,
  };
  const bundles = await build.bundleResolvers();
  // The roles CDK synthesizes, for the IAM check of the functions' and data sources' calls.
  const { stackRoles } = await import('./stackRoles.js');
  const roles = stackRoles(bundles, {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    tableName: TABLE.localName,
    streamName: STREAM.localName,
  });
  return { ...api, ...mappings, ...ops, ...web, ...simulator, bundles, handlers, roles };
}

/** Starts the stack; resolves once everything available runs and endpoints.json is written. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const raceSeconds = options.raceSeconds ?? RACE.raceSeconds;
  const windowSeconds = options.windowSeconds ?? RACE.windowSeconds;
  const stateDir = path.resolve(options.stateDir ?? path.join(process.cwd(), '.alleycat'));
  const inMemory = options.inMemory ?? false;
  const dataDir = inMemory ? undefined : path.join(stateDir, 'data');
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  const tableName = TABLE.localName;
  const streamName = STREAM.localName;
  const stack = stackParts(log);

  try {
    // It holds the API key and the IAM key pair: the user's only.
    ensurePrivateDir(stateDir);
    // Before anything in the folder is touched: another running stack may hold it.
    const lock = acquireStateLock(stateDir);
    stack.onStop(() => lock.release());
    const storedData = path.join(stateDir, 'data');
    if (options.reset && fs.existsSync(storedData)) fs.rmSync(storedData, { recursive: true, force: true });

    // The HTTP servers first: a taken port fails fast, before Java starts.
    const router = createHttpRouter(log);
    stack.onStop(() => router.close());
    const port = await router.listen(options.port ?? DEFAULT_PORT, host);
    const tlsPort = await router.listenTls(options.tlsPort ?? 0, host);

    // A first start makes the CA and certificate (RSA key generation) while Java starts.
    const [emulatorsResult, partsResult, tlsResult] = await Promise.allSettled([
      startEmulators(dataDir),
      loadParts(),
      loadOrCreateStackTls(stateDir, host),
    ]);
    if (emulatorsResult.status === 'fulfilled') stack.onStop(() => emulatorsResult.value.stop());
    if (emulatorsResult.status === 'rejected') throw emulatorsResult.reason;
    if (partsResult.status === 'rejected') throw partsResult.reason;
    if (tlsResult.status === 'rejected') throw tlsResult.reason;
    const tls = tlsResult.value;
    router.useCertificate(tls.server);
    const { dynamodb, kinesis, cognito } = emulatorsResult.value;
    const start = partsResult.value;
    stack.report('DynamoDB Local', true, dynamodb.endpoint);
    stack.report('kinesalite', true, kinesis.endpoint);
    stack.report('cognito-local', true, cognito.endpoint);

    const clients = stackClients(dynamodb.endpoint, kinesis.endpoint);
    stack.onStop(() => clients.destroy());
    // Created while the API loads its bundles; awaited before anything uses them.
    const resources = Promise.all([
      ensureTable(clients.dynamodb, tableName),
      ensureStream(clients.kinesis, streamName, STREAM.localShardCount),
    ]);
    resources.catch((error: unknown) => log(`error: creating the table and stream failed: ${errorMessage(error)}`));
    const userPool = await ensureUserPool(cognito.endpoint);

    const iam = await startStackIam({
      roles: start.roles,
      dynamodbEndpoint: dynamodb.endpoint,
      kinesisEndpoint: kinesis.endpoint,
      host: '127.0.0.1',
      log,
    });
    stack.onStop(() => iam.stop());
    stack.report(
      'IAM check',
      true,
      `the roles of the CDK stack, in front of DynamoDB Local (${iam.dynamodb.endpoint}) and kinesalite`,
    );

    const apiKey = loadOrCreateApiKey(inMemory ? undefined : stateDir);
    const credentials = loadOrCreateStackCredentials(inMemory ? undefined : stateDir);
    const endpoints = stackEndpoints({
      host,
      port,
      apiKey: apiKey.id,
      credentials,
      kinesis: { endpoint: kinesis.endpoint, streamName },
      dynamodb: { endpoint: dynamodb.endpoint, tableName },
      cognito: userPool,
      raceSeconds,
      windowSeconds,
      tls: { port: tlsPort, caFile: tls.caFile },
    });

    // The CDK stack's WAF rule, when asked for; off by default here, where every client shares one address.
    const apiRateLimit = options.apiRateLimit ?? 0;
    const webAcl =
      apiRateLimit > 0
        ? createRateBasedRule({
            limit: apiRateLimit,
            evaluationWindowSeconds: options.apiRateWindowSeconds ?? API_PROTECTION.evaluationWindowSeconds,
          })
        : undefined;
    if (webAcl)
      stack.report(
        'WAF rate limit',
        true,
        `${apiRateLimit} requests per client address per ${
          options.apiRateWindowSeconds ?? API_PROTECTION.evaluationWindowSeconds
        } s, then HTTP 403`,
      );

    const api = start.startApi({
      router,
      schemaFile: path.join(REPO_ROOT, 'schema.graphql'),
      bundles: start.bundles,
      dynamodb: { ...endpoints.dynamodb, endpoint: iam.dynamodb.endpoint },
      kinesis: { ...endpoints.kinesis, endpoint: iam.kinesis.endpoint },
      iam,
      race: { raceSeconds, graceSeconds: RACE.graceSeconds },
      apiKey,
      credentials,
      userPool: endpoints.cognito,
      ...(webAcl ? { webAcl } : {}),
    });
    stack.onStop(() => api.stop());
    stack.report('GraphQL (local AppSync)', true, endpoints.graphqlUrl);
    stack.report('real-time WebSocket', true, endpoints.realtimeUrl);
    stack.report('GraphQL and real-time over TLS', true, `${endpoints.tls.graphqlUrl} (CA ${endpoints.tls.caFile})`);

    const [tableStreamArn, streamArn] = await resources;
    const functions = await start.startMappings({
      handlers: start.handlers,
      ...(options.wrapHandler ? { wrapHandler: options.wrapHandler } : {}),
      clients,
      dynamodb: { ...endpoints.dynamodb, streamArn: tableStreamArn },
      kinesis: { ...endpoints.kinesis, streamArn },
      graphqlUrl: endpoints.graphqlUrl,
      credentials,
      iam,
      raceSeconds,
      windowSeconds,
      maxRiders: options.maxRiders ?? ADMISSION.maxRidersPerRace,
      dataDir,
      ...(options.esmOverrides ? { overrides: options.esmOverrides } : {}),
      log,
    });
    stack.onStop(() => functions.stop());
    for (const m of functions.mappings)
      stack.report(
        `function ${m.name}`,
        true,
        `event-source mapping on ${m.name === 'allTime' ? 'the table stream' : streamName}`,
      );

    // The CDK stack's EventBridge rule: closes ended races when the stream is quiet.
    const intervalMs = options.closeScheduleMs ?? closeScheduleIntervalMs();
    const schedule = startCloseSchedule({
      handler: functions.handlers.finalizer,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      intervalMs,
      log,
    });
    stack.onStop(() => schedule.stop());
    stack.report('close schedule', true, `finalizer every ${intervalMs / 1000} s (Scheduled Event)`);

    const ops = start.startOps({
      router,
      windowSeconds,
      raceSeconds,
      mappings: functions.mappings,
      realtime: api.realtime.server,
      meter: api.meter,
    });
    stack.onStop(() => ops.stop());
    stack.report('ops view', true, `${endpoints.webUrl}ops/metrics`);

    const web = start.startWebApp({ router, repoRoot: REPO_ROOT, endpoints, build: options.buildWeb !== false, log });
    stack.onStop(() => web.stop());
    stack.report('web app', web.running, web.detail);

    const racers = options.racers ?? DEFAULT_RACERS;
    if (options.sim ?? true) {
      const sim = start.startSimulator({ endpoints, racers, via: 'kinesis' });
      stack.onStop(() => sim.stop());
      stack.report('simulator', true, `${racers} riders per class into ${streamName}`);
    } else stack.report('simulator', false, 'off (--no-sim)');

    writeEndpointsFile(endpointsFile, endpoints);
    lock.describe(endpoints.graphqlUrl);
    stack.onStop(() => removeEndpointsFile(endpointsFile, endpoints));

    let stopped: Promise<void> | undefined;
    return {
      endpoints,
      endpointsFile,
      parts: stack.parts,
      mappings: functions.mappings,
      iam,
      pids: { dynamodb: dynamodb.process.pid, kinesis: kinesis.process.pid, cognito: cognito.process.pid },
      stop: () => (stopped ??= stack.stopAll()),
    };
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
}
