/**
 * `alleycat start` / `npm start`: runs the whole system on this
 * machine until Ctrl-C or SIGTERM, then stops every part (no process left behind).
 */
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { EmulatorStartError } from '../local/emulators/errors.js';
import { StackStartError, StartArgsError } from '../local/stack/errors.js';
import { parseStartArgs, START_USAGE } from '../local/stack/startArgs.js';
import { startLocalStack, type LocalStack } from '../local/stack/startLocalStack.js';

function printReady(stack: LocalStack): void {
  const e = stack.endpoints;
  const lines = [
    '',
    'Alleycat is running:',
    `  web app      ${e.webUrl}`,
    `  GraphQL      ${e.graphqlUrl}   (API key ${e.apiKey})`,
    `  real-time    ${e.realtimeUrl}`,
    `  over TLS     ${e.tls.graphqlUrl}   ${e.tls.realtimeUrl}   (trust ${e.tls.caFile})`,
    `  DynamoDB     ${e.dynamodb.endpoint}   table ${e.dynamodb.tableName}`,
    `  Kinesis      ${e.kinesis.endpoint}   stream ${e.kinesis.streamName}`,
    `  endpoints    ${stack.endpointsFile}`,
    '',
    'Parts:',
    ...stack.parts.map((p) => `  ${p.running ? 'ok ' : '-- '} ${p.name.padEnd(24)} ${p.detail}`),
    '',
    'Ctrl-C stops everything.',
  ];
  console.log(lines.join('\n'));
}

const start: Command = async (args) => {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(START_USAGE);
    return 0;
  }
  let options;
  try {
    options = parseStartArgs(args);
  } catch (error) {
    if (error instanceof StartArgsError) {
      console.error(`alleycat start: ${error.message}\n\n${START_USAGE}`);
      return 2;
    }
    throw error;
  }
  console.log('Starting DynamoDB Local, kinesalite and the local stack…');
  // A signal while starting is kept and acted on once the parts are up, so they are stopped, not orphaned.
  let early: NodeJS.Signals | undefined;
  const onEarlySignal = (signal: NodeJS.Signals): void => {
    if (early) process.exit(130);
    early = signal;
    console.log(`\n${signal}: stopping once started (again to exit at once)…`);
  };
  process.on('SIGINT', onEarlySignal);
  process.on('SIGTERM', onEarlySignal);
  let stack: LocalStack;
  try {
    stack = await startLocalStack(options);
  } catch (error) {
    if (error instanceof StackStartError || error instanceof EmulatorStartError) {
      console.error(`alleycat start: ${error.message}\n  ${error.hint}`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onEarlySignal);
    process.off('SIGTERM', onEarlySignal);
  }
  printReady(stack);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second Ctrl-C: leave now. The emulators exit on their own when this process is gone
        // (DynamoDB Local watches its stdin pipe, kinesalite its IPC channel).
        console.log(`\n${signal} again: exiting without waiting.`);
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${signal}: stopping (Ctrl-C again to exit at once)…`);
      void stack.stop().then(
        () => {
          console.log('Stopped.');
          resolve(0);
        },
        (error: unknown) => {
          console.error(`alleycat start: error while stopping: ${errorMessage(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (early) onSignal(early);
  });
};

export default start;
