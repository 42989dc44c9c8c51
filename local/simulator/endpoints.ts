/** The parts of `.alleycat/endpoints.json` the simulator uses, checked. */
import { readFile } from 'node:fs/promises';

export interface SimulatorEndpoints {
  region: string;
  graphqlUrl: string;
  apiKey: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  kinesis: { endpoint: string; streamName: string };
  /** The riders' user pool (contract §6): `--via graphql` signs its riders up there. */
  cognito: { endpoint: string; region: string; userPoolId: string; userPoolClientId: string };
  raceSeconds: number;
}

/** The endpoints file is missing or lacks something the simulator needs. */
export class EndpointsError extends Error {
  override readonly name = 'EndpointsError';
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new EndpointsError(`${where}${key} must be a non-empty string`);
  return v;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new EndpointsError(`${where} must be an object`);
  return v as Record<string, unknown>;
}

/** Checks a parsed endpoints file. */
export function parseEndpoints(value: unknown): SimulatorEndpoints {
  const o = obj(value, 'endpoints');
  const creds = obj(o.credentials, 'endpoints.credentials');
  const kin = obj(o.kinesis, 'endpoints.kinesis');
  const cog = obj(o.cognito, 'endpoints.cognito');
  const raceSeconds = o.raceSeconds;
  if (typeof raceSeconds !== 'number' || !Number.isInteger(raceSeconds) || raceSeconds <= 0) {
    throw new EndpointsError('endpoints.raceSeconds must be a positive integer');
  }
  return {
    region: str(o, 'region', 'endpoints.'),
    graphqlUrl: str(o, 'graphqlUrl', 'endpoints.'),
    apiKey: str(o, 'apiKey', 'endpoints.'),
    credentials: {
      accessKeyId: str(creds, 'accessKeyId', 'endpoints.credentials.'),
      secretAccessKey: str(creds, 'secretAccessKey', 'endpoints.credentials.'),
    },
    kinesis: {
      endpoint: str(kin, 'endpoint', 'endpoints.kinesis.'),
      streamName: str(kin, 'streamName', 'endpoints.kinesis.'),
    },
    cognito: {
      endpoint: str(cog, 'endpoint', 'endpoints.cognito.'),
      region: str(cog, 'region', 'endpoints.cognito.'),
      userPoolId: str(cog, 'userPoolId', 'endpoints.cognito.'),
      userPoolClientId: str(cog, 'userPoolClientId', 'endpoints.cognito.'),
    },
    raceSeconds,
  };
}

/** Reads and checks an endpoints file, with a message that says what to do when it is missing. */
export async function readEndpointsFile(file: string): Promise<SimulatorEndpoints> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EndpointsError(`cannot read ${file} (is the local stack running? start it with \`npm start\`)`, {
      cause: error,
    });
  }
  try {
    return parseEndpoints(JSON.parse(text));
  } catch (error) {
    if (error instanceof EndpointsError) throw new EndpointsError(`${file}: ${error.message}`, { cause: error });
    throw new EndpointsError(`${file} is not valid JSON`, { cause: error });
  }
}
