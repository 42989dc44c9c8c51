/** The flags of `alleycat start` / `npm start -- …`. */
import { ADMISSION, RACE } from '../../infra/settings.js';
import { StartArgsError } from './errors.js';

export interface StartArgs {
  port: number;
  /** Port of the HTTPS server (the same API over TLS, contract §8). */
  tlsPort: number;
  host: string;
  raceSeconds: number;
  windowSeconds: number;
  racers: number;
  maxRiders: number;
  sim: boolean;
  inMemory: boolean;
  reset: boolean;
}

export const DEFAULT_PORT = 4000;
export const DEFAULT_TLS_PORT = 4443;
export const DEFAULT_RACERS = 100;

export const START_USAGE = `usage: alleycat start [--port 4000] [--tls-port 4443] [--race-seconds N] [--window-seconds N] [--racers N] [--max-riders N] [--no-sim] [--in-memory] [--reset] [--host 127.0.0.1]

  --port N            port of the one HTTP server (GraphQL, real-time, web app); default ${DEFAULT_PORT}
  --tls-port N        port of the same over HTTPS/WSS (local CA in .alleycat/tls/ca.pem); default ${DEFAULT_TLS_PORT}
  --race-seconds N    length of a race slot; default ${RACE.raceSeconds}
  --window-seconds N  tumbling window of the live aggregation; default ${RACE.windowSeconds}
  --racers N          riders the simulator puts on the road; default ${DEFAULT_RACERS}
  --max-riders N      riders a class's race admits, first come; default ${ADMISSION.maxRidersPerRace}
  --no-sim            do not start the race simulator
  --in-memory         keep nothing on disk (no .alleycat/data)
  --reset             delete .alleycat/data before starting
  --host H            address to bind; default 127.0.0.1 (loopback only)`;

function positiveInt(flag: string, raw: string | undefined, max = 1_000_000): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n <= 0 || n > max) {
    throw new StartArgsError(`${flag} needs a positive integer, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
  }
  return n;
}

/** Parses the flags (`--flag value` or `--flag=value`); throws StartArgsError with what is wrong. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  const out: StartArgs = {
    port: DEFAULT_PORT,
    tlsPort: DEFAULT_TLS_PORT,
    host: '127.0.0.1',
    raceSeconds: RACE.raceSeconds,
    windowSeconds: RACE.windowSeconds,
    racers: DEFAULT_RACERS,
    maxRiders: ADMISSION.maxRidersPerRace,
    sim: true,
    inMemory: false,
    reset: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => {
      if (eq > 0) return arg.slice(eq + 1);
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--port':
        out.port = positiveInt(flag, value(), 65_535);
        break;
      case '--tls-port':
        out.tlsPort = positiveInt(flag, value(), 65_535);
        break;
      case '--race-seconds':
        out.raceSeconds = positiveInt(flag, value());
        break;
      case '--window-seconds':
        // Lambda's TumblingWindowInSeconds is at most 900.
        out.windowSeconds = positiveInt(flag, value(), 900);
        break;
      case '--racers':
        out.racers = positiveInt(flag, value());
        break;
      case '--max-riders':
        out.maxRiders = positiveInt(flag, value());
        break;
      case '--host': {
        const h = value();
        if (!h) throw new StartArgsError('--host needs an address');
        out.host = h;
        break;
      }
      case '--no-sim':
        out.sim = false;
        break;
      case '--in-memory':
        out.inMemory = true;
        break;
      case '--reset':
        out.reset = true;
        break;
      default:
        throw new StartArgsError(`unknown option "${arg}"`);
    }
  }
  if (out.tlsPort === out.port)
    throw new StartArgsError(`--tls-port cannot be --port (${out.port}): each needs its own port`);
  if (out.windowSeconds > out.raceSeconds) {
    throw new StartArgsError(
      `--window-seconds (${out.windowSeconds}) cannot be longer than --race-seconds (${out.raceSeconds})`,
    );
  }
  return out;
}
