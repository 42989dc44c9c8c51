/**
 * Whether the stack an endpoints file describes is up: a TCP connection to
 * each endpoint the simulator will use. The file outlives a stack killed
 * without its stop (kill -9, a crash), so its presence proves nothing.
 */
import net from 'node:net';
import type { SimulatorEndpoints } from './endpoints.js';
import type { Via } from './startSimulator.js';

/** Resolves to true when something accepts a connection on the URL's host and port. */
export function acceptsConnections(url: string, timeoutMs = 2_000): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  const portNumber = port === '' ? (protocol === 'https:' ? 443 : 80) : Number(port);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: portNumber });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The endpoints `via` needs that nothing answers on, as "name url" phrases (empty when all answer). */
export async function unreachableEndpoints(endpoints: SimulatorEndpoints, via: Via): Promise<string[]> {
  const needed: [string, string][] = [['GraphQL', endpoints.graphqlUrl]];
  if (via === 'kinesis') needed.push(['Kinesis', endpoints.kinesis.endpoint]);
  else needed.push(['Cognito', endpoints.cognito.endpoint]);
  const answers = await Promise.all(needed.map(([, url]) => acceptsConnections(url)));
  return needed.filter((_, i) => !answers[i]).map(([name, url]) => `nothing answers at ${name} ${url}`);
}
