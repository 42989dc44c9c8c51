/**
 * Starts cognito-local (a Cognito user pool API in Node) in a child process
 * on 127.0.0.1. Its state lives in `<stateDir>/.cognito/`; without a state
 * folder it uses a temporary one, removed on stop.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, type RunningEmulator } from './dynamodbLocal.js';
import { childReady } from './childReady.js';
import { freePort } from './freePort.js';

export interface CognitoLocalOptions {
  port?: number;
  /** Folder that receives `.cognito/` (user pools, clients, users); a temporary one if omitted. */
  stateDir?: string;
  /**
   * User-pool triggers (e.g. `{ PreSignUp: 'my-function' }`), invoked through
   * Lambda's Invoke API at `lambdaEndpoint` (local/emulators/lambdaInvokeServer.ts serves one).
   */
  triggers?: { lambdaEndpoint: string; functions: Readonly<Record<string, string>> };
}

const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cognitoLocalMain.cjs');

/**
 * cognito-local defaults to email usernames (`UsernameAttributes: ["email"]`);
 * a pool created without UsernameAttributes, as AWS does by default, needs this.
 */
function configOf(options: CognitoLocalOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { UserPoolDefaults: { UsernameAttributes: [] } };
  if (options.triggers) {
    config.TriggerFunctions = options.triggers.functions;
    config.LambdaClient = {
      endpoint: options.triggers.lambdaEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
    };
  }
  return config;
}

export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const temporary = options.stateDir === undefined;
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-cognito-'));
  const removeTemporary = (): void => {
    if (temporary) fs.rmSync(stateDir, { recursive: true, force: true });
  };
  const configDir = path.join(stateDir, '.cognito');
  fs.mkdirSync(configDir, { recursive: true });
  // Our settings over whatever a previous run left; cognito-local merges its defaults under them.
  fs.writeFileSync(path.join(configDir, 'config.json'), `${JSON.stringify(configOf(options), null, 2)}\n`);
  // fork gives an IPC channel: cognitoLocalMain exits on 'disconnect' if we die.
  const child = fork(main, [], {
    cwd: stateDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [],
    detached: true,
  });
  try {
    await childReady(child, port, 'cognito-local');
  } catch (err) {
    removeTemporary();
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      await stopChild(child);
      removeTemporary();
    },
  };
}
