/** The flags of `alleycat start` / `npm start -- …`. */
import { ADMISSION, API_PROTECTION, RACE } from '../../infra/settings.js';
import {
  EVALUATION_WINDOWS,
  MAX_RATE_LIMIT,
  MIN_RATE_LIMIT,
  type EvaluationWindowSeconds,
} from '../waf/rateBasedRule.js';
import { FlagError, integerFlag, readFlags } from '../../lib/flags.js';
import { StartArgsError } from './errors.js';

export interface StartArgs {
  port: number;
  tlsPort: number;
  host: string;
  raceSeconds: number;
  windowSeconds: number;
  racers: number;
  maxRiders: number;
  sim: boolean;
  inMemory: boolean;
  reset: boolean;
  /** AWS WAF's rate limit per client IP (the CDK context of the same name); 0: no web ACL. */
  apiRateLimit: number;
  /** The rate limit's evaluation window (CDK context `apiRateWindowSeconds`). */
  apiRateWindowSeconds: EvaluationWindowSeconds;
}

export const DEFAULT_PORT = 4000;
export const DEFAULT_TLS_PORT = 4443;
export const DEFAULT_RACERS = 100;

export const START_USAGE = `usage: alleycat start [--port 4000] [--tls-port 4443] [--race-seconds N] [--window-seconds N] [--racers N] [--max-riders N] [--no-sim] [--in-memory] [--reset] [--host 127.0.0.1]
                     [--api-rate-limit N] [--api-rate-window-seconds 300]

  --port N            port of the one HTTP server (GraphQL, real-time, web app), 0 to 65535
                      (0 picks a free port); default ${DEFAULT_PORT}
  --tls-port N        port of the same over HTTPS/WSS (local CA in .alleycat/tls/ca.pem), 0 to 65535;
                      default ${DEFAULT_TLS_PORT}
  --race-seconds N    length of a race slot; default ${RACE.raceSeconds}
  --window-seconds N  tumbling window of the live aggregation; default ${RACE.windowSeconds}
  --racers N          riders the simulator puts on the road; default ${DEFAULT_RACERS}
  --max-riders N      riders a class's race admits, first come; default ${ADMISSION.maxRidersPerRace}
  --no-sim            do not start the race simulator
  --in-memory         keep nothing on disk (no .alleycat/data)
  --reset             delete .alleycat/data before starting
  --host H            address to bind; default 127.0.0.1 (loopback only)
  --api-rate-limit N  block a client address past N API requests per window, as the stack's AWS WAF
                      rule does (HTTP 403 WAFForbiddenException); ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT}, or 0: off
                      (default 0 locally, where every client shares one address; AWS: ${API_PROTECTION.rateLimit})
  --api-rate-window-seconds N
                      the rate's evaluation window: ${EVALUATION_WINDOWS.join(', ')}; default ${
  API_PROTECTION.evaluationWindowSeconds
}`;

const FLAGS = {
  port: { type: 'string' },
  'tls-port': { type: 'string' },
  'race-seconds': { type: 'string' },
  'window-seconds': { type: 'string' },
  racers: { type: 'string' },
  'max-riders': { type: 'string' },
  host: { type: 'string' },
  'no-sim': { type: 'boolean' },
  'in-memory': { type: 'boolean' },
  reset: { type: 'boolean' },
  'api-rate-limit': { type: 'string' },
  'api-rate-window-seconds': { type: 'string' },
} as const;

/** Parses the flags (`--flag value` or `--flag=value`); throws StartArgsError with what is wrong. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  try {
    return parse(argv);
  } catch (error) {
    if (error instanceof FlagError) throw new StartArgsError(error.message, { cause: error });
    throw error;
  }
}

function windowFlag(raw: string | undefined): EvaluationWindowSeconds {
  if (raw === undefined) return API_PROTECTION.evaluationWindowSeconds;
  const window = EVALUATION_WINDOWS.find((w) => String(w) === raw.trim());
  if (window === undefined)
    throw new StartArgsError(`--api-rate-window-seconds must be one of ${EVALUATION_WINDOWS.join(', ')}, got "${raw}"`);
  return window;
}

function parse(argv: readonly string[]): StartArgs {
  const flags = readFlags(argv, FLAGS);
  const int = (flag: keyof typeof FLAGS, fallback: number, min: number, max: number, note?: string): number => {
    const raw = flags[flag];
    return typeof raw === 'string' ? integerFlag(`--${flag}`, raw, min, max, note) : fallback;
  };
  if (flags.host === '') throw new StartArgsError('--host needs an address');
  const out: StartArgs = {
    // Port 0 asks the system for a free port; the ready message and endpoints.json show the one chosen.
    port: int('port', DEFAULT_PORT, 0, 65_535, ' (0 picks a free port)'),
    tlsPort: int('tls-port', DEFAULT_TLS_PORT, 0, 65_535, ' (0 picks a free port)'),
    host: flags.host ?? '127.0.0.1',
    raceSeconds: int('race-seconds', RACE.raceSeconds, 1, 1_000_000),
    // Lambda's TumblingWindowInSeconds is at most 900.
    windowSeconds: int('window-seconds', RACE.windowSeconds, 1, 900),
    racers: int('racers', DEFAULT_RACERS, 1, 1_000_000),
    maxRiders: int('max-riders', ADMISSION.maxRidersPerRace, 1, 1_000_000),
    sim: flags['no-sim'] !== true,
    inMemory: flags['in-memory'] === true,
    reset: flags.reset === true,
    apiRateLimit: int(
      'api-rate-limit',
      0,
      0,
      MAX_RATE_LIMIT,
      ` (or 0: off; WAF allows no limit under ${MIN_RATE_LIMIT})`,
    ),
    apiRateWindowSeconds: windowFlag(flags['api-rate-window-seconds']),
  };
  if (out.apiRateLimit > 0 && out.apiRateLimit < MIN_RATE_LIMIT)
    throw new StartArgsError(
      `--api-rate-limit must be 0 (off) or ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT} (AWS WAF's range), got ${out.apiRateLimit}`,
    );
  if (out.tlsPort === out.port && out.port !== 0)
    throw new StartArgsError(`--tls-port cannot be --port (${out.port}): each needs its own port`);
  if (out.windowSeconds > out.raceSeconds) {
    throw new StartArgsError(
      `--window-seconds (${out.windowSeconds}) cannot be longer than --race-seconds (${out.raceSeconds})`,
    );
  }
  return out;
}
