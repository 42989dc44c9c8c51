/**
 * The whole system on one machine (contract §4): DynamoDB Local and
 * kinesalite on loopback ports, the table and stream from the CDK settings,
 * ONE HTTP server (POST /graphql, the real-time WebSocket at
 * /graphql/realtime, /ops/metrics, /config.json and the web app), the three
 * event-source mappings with the functions in-process, the finalizer's
 * scheduled close, the simulator, and `.alleycat/endpoints.json`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { STREAM, TABLE } from '../../infra/settings.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../credentials.js';
import { startDynamoDbLocal, stopChild, type RunningEmulator } from '../emulators/dynamodbLocal.js';
import { startKinesalite } from '../emulators/kinesalite.js';
import { fileCheckpointStore, memoryCheckpointStore } from '../esm/checkpointStore.js';
import type { LambdaHandler } from '../esm/eventSourceMapping.js';
import type { ProcessorConfig } from '../esm/processorConfig.js';
import type { MappingEvent } from '../esm/types.js';
import { kinesisJsonClient } from '../esm/kinesisJsonClient.js';
import { loadOrCreateApiKey } from './apiKey.js';
import { alleycatApiDefinition } from './apiDefinition.js';
import { closeScheduleIntervalMs, startCloseSchedule } from './closeSchedule.js';
import { localDynamoDb, localKinesis } from './clients.js';
import { removeEndpointsFile, writeEndpointsFile, type Endpoints } from './endpointsFile.js';
import { StackStartError } from './errors.js';
import { applyFunctionEnvironment, functionEnvironment, type FunctionName } from './functionEnv.js';
import { fileURLToPath } from 'node:url';
import { ensureStream, ensureTable } from './resources.js';
import { DEFAULT_PORT, DEFAULT_RACERS, type StartArgs } from './startArgs.js';
import { startStackMappings, type StackMapping } from './stackMappings.js';
import { MONITORING, RACE } from '../../infra/settings.js';
import { errorMessage } from '../../lib/toError.js';

export interface LocalStackOptions extends Partial<StartArgs> {
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

export interface PartStatus {
  name: string;
  running: boolean;
  detail: string;
}

export interface LocalStack {
  endpoints: Endpoints;
  endpointsFile: string;
  parts: PartStatus[];
  mappings: StackMapping[];
  /** Process ids of the emulators (for the no-orphans check). */
  pids: { dynamodb: number | undefined; kinesis: number | undefined };
  stop(): Promise<void>;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new StackStartError(
            `port ${port} on ${host} is taken`,
            `Stop what uses it (e.g. \`ss -ltnp | grep :${port}\`) or pass --port <another>.`,
            { cause: error },
          ),
        );
      } else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function notFound(res: http.ServerResponse): void {
  const body = JSON.stringify({ errors: [{ errorType: 'NotFound', message: 'No such path on the local stack.' }] });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The value of a settled promise, or its rejection thrown. */
function settledValue<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

/** The repository root (schema.graphql, web/, node_modules/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The stack's in-process parts, imported while the emulators start (DynamoDB
 * Local's JVM dominates start-up), and the resolver bundles CDK deploys.
 */
async function loadParts() {
  const [appsync, realtime, build, ops, web, simulator, aggregator, finalizer, allTime] = await Promise.all([
    import('../appsync/index.js'),
    import('../appsync/realtime/index.js'),
    import('../../resolvers/build.js'),
    import('../ops/index.js'),
    import('../web/index.js'),
    import('../simulator/startSimulator.js'),
    import('../../functions/aggregator/handler.js'),
    import('../../functions/finalizer/handler.js'),
    import('../../functions/allTime/handler.js'),
  ]);
  const bundles = await build.bundleResolvers();
  // Each function's own event type; the mapping hands it what Lambda would.
  const handlers: Record<FunctionName, LambdaHandler> = {
    aggregator: aggregator.handler as LambdaHandler,
    finalizer: finalizer.handler as LambdaHandler,
    allTime: allTime.handler as LambdaHandler,
  };
  return { appsync, realtime, bundles, ops, web, simulator, handlers };
}

/** Starts the stack; resolves once everything available runs and endpoints.json is written. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const raceSeconds = options.raceSeconds ?? RACE.raceSeconds;
  const windowSeconds = options.windowSeconds ?? RACE.windowSeconds;
  const stateDir = path.resolve(options.stateDir ?? path.join(process.cwd(), '.alleycat'));
  const inMemory = options.inMemory ?? false;
  const dataDir = path.join(stateDir, 'data');
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  const parts: PartStatus[] = [];
  const stops: Array<() => Promise<void> | void> = [];
  const t0 = Date.now();
  const part = (name: string, running: boolean, detail: string): void => {
    parts.push({ name, running, detail });
    log(`  ${running ? 'ok ' : '-- '} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`warning: while stopping: ${errorMessage(error)}`);
      }
    }
  };

  try {
    if (options.reset && fs.existsSync(dataDir)) fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(stateDir, { recursive: true });

    // The HTTP server first: a taken port fails fast, before Java starts.
    const routes: Route[] = [];
    const server = http.createServer((req, res) => {
      try {
        for (const route of routes) if (route(req, res)) return;
        notFound(res);
      } catch (error) {
        log(`error: ${req.method} ${req.url}: ${errorMessage(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            errors: [{ errorType: 'InternalFailure', message: 'The local stack failed on this request.' }],
          }),
        );
      }
    });
    const port = await listen(server, options.port ?? DEFAULT_PORT, host);
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const origin = `http://${host}:${port}`;

    // Emulators, in parallel (DynamoDB Local's JVM start dominates); meanwhile
    // this process loads the other parts and bundles the resolvers.
    const preload = loadParts();
    // Wait for all three to settle: an emulator that did start must be stopped even if the other failed.
    const [ddbResult, kinResult, preResult] = await Promise.allSettled([
      startDynamoDbLocal({ ...(inMemory ? {} : { dataDir: path.join(dataDir, 'dynamodb') }) }),
      startKinesalite({ ...(inMemory ? {} : { dataDir: path.join(dataDir, 'kinesis') }) }),
      preload,
    ]);
    const emulators: RunningEmulator[] = [];
    for (const r of [ddbResult, kinResult]) if (r.status === 'fulfilled') emulators.push(r.value);
    stops.push(() => Promise.all(emulators.map((e) => e.stop())).then(() => undefined));
    const ddb = settledValue(ddbResult);
    const kin = settledValue(kinResult);
    const pre = settledValue(preResult);
    part('DynamoDB Local', true, ddb.endpoint);
    part('kinesalite', true, kin.endpoint);

    const ddbClient = localDynamoDb(ddb.endpoint);
    const kinClient = localKinesis(kin.endpoint);
    const streamsClient = new DynamoDBStreamsClient({
      endpoint: ddb.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const kinJson = kinesisJsonClient({ endpoint: kin.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    stops.push(() => {
      ddbClient.destroy();
      kinClient.destroy();
      kinJson.destroy();
      streamsClient.destroy();
    });
    const tableName = TABLE.localName;
    const streamName = STREAM.localName;
    // Created while the AppSync runtime loads its bundles; awaited before anything uses them.
    const resources = Promise.all([
      ensureTable(ddbClient, tableName),
      ensureStream(kinClient, streamName, STREAM.localShardCount),
    ]);
    resources.catch((error: unknown) => log(`error: creating the table and stream failed: ${errorMessage(error)}`));

    const apiKey = loadOrCreateApiKey(inMemory ? undefined : stateDir);
    const endpoints: Endpoints = {
      region: LOCAL_REGION,
      graphqlUrl: `${origin}/graphql`,
      realtimeUrl: `ws://${host}:${port}/graphql/realtime`,
      apiKey: apiKey.id,
      webUrl: `${origin}/`,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
      kinesis: { endpoint: kin.endpoint, streamName },
      dynamodb: { endpoint: ddb.endpoint, tableName },
      raceSeconds,
      windowSeconds,
    };

    // Ops view (mounted first: /ops/metrics).
    const opsRoutes: { handler?: Route } = {};
    routes.push((req, res) => opsRoutes.handler?.(req, res) ?? false);

    // The local AppSync runtime on POST /graphql, and its real-time endpoint.
    const runtime = pre.appsync.createAppSyncRuntime({
      api: alleycatApiDefinition({
        schema: fs.readFileSync(path.join(REPO_ROOT, 'schema.graphql'), 'utf8'),
        bundles: pre.bundles,
        dynamodb: { endpoint: ddb.endpoint, tableName },
        kinesisEndpoint: kin.endpoint,
        environmentVariables: {
          TABLE_NAME: tableName,
          STREAM_NAME: streamName,
          RACE_SECONDS: String(raceSeconds),
          GRACE_SECONDS: String(RACE.graceSeconds),
        },
        auth: {
          apiKeys: [{ id: apiKey.id, expiresAt: apiKey.expiresAt }],
          iam: [
            {
              accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
              secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
              accountId: LOCAL_ACCOUNT_ID,
            },
          ],
          region: LOCAL_REGION,
        },
      }),
    });
    const graphql = pre.appsync.createGraphqlHandler(runtime);
    routes.push((req, res) => {
      const pathname = new URL(req.url ?? '/', origin).pathname;
      if (pathname !== '/graphql') return false;
      graphql(req, res);
      return true;
    });
    part('GraphQL (local AppSync)', true, endpoints.graphqlUrl);
    const realtime = pre.realtime.attachRealtime(server, pre.appsync.realtimeBackendFor(runtime));
    stops.push(() => realtime.close());
    part('real-time WebSocket', true, endpoints.realtimeUrl);

    const [tableStreamArn, streamArn] = await resources;

    // The functions, in-process, with the environment the CDK stack gives them.
    applyFunctionEnvironment(
      functionEnvironment({
        tableName,
        graphqlUrl: endpoints.graphqlUrl,
        raceSeconds,
        windowSeconds,
        dynamodbEndpoint: ddb.endpoint,
        kinesisEndpoint: kin.endpoint,
      }),
    );
    const handlers = { ...pre.handlers };
    const wrap = options.wrapHandler;
    if (wrap) for (const name of Object.keys(handlers) as FunctionName[]) handlers[name] = wrap(name, handlers[name]);
    const checkpoints = inMemory
      ? memoryCheckpointStore()
      : fileCheckpointStore(path.join(dataDir, 'checkpoints.json'));
    const mappings = await startStackMappings({
      handlers,
      kinesis: kinClient,
      kinesisJson: kinJson,
      streams: streamsClient,
      streamName,
      streamArn,
      tableStreamArn,
      windowSeconds,
      checkpoints,
      dlqDir: inMemory ? undefined : path.join(dataDir, 'dead-letters'),
      ...(options.esmOverrides ? { overrides: options.esmOverrides } : {}),
    });
    stops.push(async () => {
      await Promise.all(mappings.map((m) => m.mapping.stop()));
      await checkpoints.flush();
    });
    // Function errors, discarded batches and read failures go to the terminal (CloudWatch Logs on AWS),
    // the same message at most once every 10 s per mapping.
    const lastSaid = new Map<string, number>();
    const say = (key: string, line: string): void => {
      const now = Date.now();
      if ((lastSaid.get(key) ?? 0) + 10_000 > now) return;
      lastSaid.set(key, now);
      log(line);
    };
    for (const m of mappings) {
      m.mapping.events.on('event', (e: MappingEvent) => {
        if (e.type === 'invoke' && e.error)
          say(
            `${m.name}:${e.error.message}`,
            `[${m.name}] ${e.shardId}: function error: ${e.error.message} (the batch is retried)`,
          );
        else if (e.type === 'discard') {
          log(
            `[${m.name}] ${e.shardId}: batch discarded (${e.message.requestContext.condition}); its metadata is in the dead-letter queue`,
          );
        } else if (e.type === 'readError')
          say(
            `${m.name}:read:${e.error.message}`,
            `[${m.name}] ${e.shardId}: reading the stream failed: ${e.error.message} (retrying)`,
          );
      });
    }
    for (const m of mappings)
      part(
        `function ${m.name}`,
        true,
        `event-source mapping on ${m.name === 'allTime' ? 'the table stream' : streamName}`,
      );
    // The CDK stack's EventBridge rule: closes ended races when the stream is quiet.
    const intervalMs = options.closeScheduleMs ?? closeScheduleIntervalMs();
    const schedule = startCloseSchedule({
      handler: handlers.finalizer,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      intervalMs,
      log,
    });
    stops.push(() => schedule.stop());
    part('close schedule', true, `finalizer every ${intervalMs / 1000} s (Scheduled Event)`);

    // Ops view: mapping figures, the functions' EMF metrics, real-time figures.
    const ops = pre.ops.startLocalOps({
      alerts: {
        kinesisIteratorAgeSeconds: windowSeconds + MONITORING.iteratorAgeMarginSeconds,
        allTimeIteratorAgeSeconds: MONITORING.allTimeIteratorAgeSeconds,
      },
      mappings: Object.fromEntries(mappings.map((m) => [m.name, () => m.mapping.metrics().shards])),
      realtime: realtime.server,
    });
    opsRoutes.handler = ops.handler;
    stops.push(() => ops.stop());
    part('ops view', true, `${origin}/ops/metrics`);

    // The web app and /config.json.
    const distDir = path.join(REPO_ROOT, 'web', 'dist');
    const serve = pre.web.serveWebApp(distDir, {
      config: () => pre.web.webConfigFrom(endpoints),
      reservedPrefixes: ['/graphql', '/ops/metrics'],
    });
    const haveDist = fs.existsSync(path.join(distDir, 'index.html'));
    if (!haveDist && options.buildWeb !== false && fs.existsSync(path.join(REPO_ROOT, 'web', 'vite.config.ts'))) {
      // Built once in the background; the rest of the stack does not wait for it.
      const child = spawn(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--config',
          'web/vite.config.ts',
          '--logLevel',
          'warn',
        ],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
          // Always React's production build, even when the stack starts under a test runner (NODE_ENV=test).
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
      let stderr = '';
      child.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      child.once('exit', (code) => {
        if (code === 0) log(`web app built: ${endpoints.webUrl}`);
        else if (code !== null) log(`web app build failed (exit ${code}): ${stderr.trim().slice(-500)}`);
      });
      stops.push(() => stopChild(child));
      part('web app', true, `${endpoints.webUrl} (building web/dist now, ready in a minute)`);
    } else part('web app', haveDist, haveDist ? endpoints.webUrl : 'web/dist missing: run `npm run build:web`');
    routes.push((req, res) => serve(req, res));

    // The simulator.
    if (options.sim ?? true) {
      const sim = pre.simulator.startSimulator({ endpoints, racers: options.racers ?? DEFAULT_RACERS, via: 'kinesis' });
      stops.push(() => sim.stop());
      part('simulator', true, `${options.racers ?? DEFAULT_RACERS} riders per class into ${streamName}`);
    } else part('simulator', false, 'off (--no-sim)');

    writeEndpointsFile(endpointsFile, endpoints);
    stops.push(() => removeEndpointsFile(endpointsFile, endpoints));

    let stopped: Promise<void> | undefined;
    return {
      endpoints,
      endpointsFile,
      parts,
      mappings,
      pids: { dynamodb: ddb.process.pid, kinesis: kin.process.pid },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
